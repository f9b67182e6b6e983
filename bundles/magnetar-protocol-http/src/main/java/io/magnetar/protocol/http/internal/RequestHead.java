package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpLimits;
import java.nio.ByteBuffer;

/**
 * The head of one request (request line and header fields) as it arrives: each complete line is
 * copied into a per-connection array and parsed at once, leaving offsets; only the framing headers
 * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Expect}, {@code Host})
 * are interpreted, by byte comparison ({@link FramingFields}). Lines must end in CRLF: a bare LF or CR is a 400, because
 * lenient line endings are what request-smuggling attacks play on.
 *
 * <p>Confined to its connection's event loop.
 */
final class RequestHead {

    static final int CONTINUE = 0;
    static final int DONE = 1;
    static final int ERROR = 2;

    private static final int INITIAL = 512;
    private static final int FIELD_INTS = 4;

    private final HttpLimits limits;
    byte[] buf;
    int length;
    private int lineStart;
    /** Where the header section starts; -1 while the request line is still arriving. */
    private int requestLineEnd = -1;

    int methodStart;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    int queryStart;
    boolean http11;
    /** Per field: name start, name end, value start, value end. */
    int[] fields = new int[16 * FIELD_INTS];

    int fieldCount;

    /** What the framing fields said: body length, connection persistence, 100-continue. */
    FramingFields framing = new FramingFields();

    int errorStatus;
    String errorReason;

    RequestHead(HttpLimits limits) {
        this.limits = limits;
        this.buf = new byte[Math.min(INITIAL, limits.maxRequestLine() + limits.maxHeaderBytes())];
        reset();
    }

    void reset() {
        length = 0;
        lineStart = 0;
        requestLineEnd = -1;
        fieldCount = 0;
        framing.reset();
        queryStart = -1;
        errorStatus = 0;
        errorReason = null;
    }

    /** A copy that no longer changes with the connection (for requests that outlive their read). */
    RequestHead copy() {
        RequestHead c = new RequestHead(limits);
        c.buf = java.util.Arrays.copyOf(buf, length);
        c.length = length;
        c.lineStart = lineStart;
        c.requestLineEnd = requestLineEnd;
        c.methodStart = methodStart;
        c.methodEnd = methodEnd;
        c.targetStart = targetStart;
        c.targetEnd = targetEnd;
        c.pathStart = pathStart;
        c.pathEnd = pathEnd;
        c.queryStart = queryStart;
        c.http11 = http11;
        c.fields = java.util.Arrays.copyOf(fields, fieldCount * FIELD_INTS);
        c.fieldCount = fieldCount;
        c.framing = framing.copy();
        return c;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** Takes the bytes of this head from {@code data}, leaving what follows it. */
    int feed(ByteBuffer data) {
        int pos = data.position();
        int limit = data.limit();
        while (pos < limit) {
            int lf = indexOfLf(data, pos, limit);
            int end = lf < 0 ? limit : lf + 1;
            int n = end - pos;
            // Checked before copying: an oversized head is refused before it is buffered.
            if (!fits(n)) {
                data.position(pos);
                return ERROR;
            }
            if (length + n > buf.length) {
                grow(length + n);
            }
            data.get(pos, buf, length, n);
            length += n;
            pos = end;
            if (lf >= 0) {
                int r = line(lineStart, length);
                lineStart = length;
                if (r != CONTINUE) {
                    data.position(pos);
                    return r;
                }
            }
        }
        data.position(limit);
        return CONTINUE;
    }

    private static int indexOfLf(ByteBuffer data, int from, int to) {
        if (data.hasArray()) {
            byte[] a = data.array();
            int off = data.arrayOffset();
            for (int i = from; i < to; i++) {
                if (a[off + i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (data.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean fits(int n) {
        if (requestLineEnd < 0) {
            if (length + n > limits.maxRequestLine()) {
                return error(414, "request line longer than " + limits.maxRequestLine() + " bytes");
            }
        } else if (length - requestLineEnd + n > limits.maxHeaderBytes()) {
            return error(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
        }
        return true;
    }

    private void grow(int needed) {
        int size = buf.length;
        while (size < needed) {
            size *= 2;
        }
        byte[] bigger = new byte[Math.min(size, limits.maxRequestLine() + limits.maxHeaderBytes())];
        System.arraycopy(buf, 0, bigger, 0, length);
        buf = bigger;
    }

    /** One line {@code [from, to)}, its LF included. */
    private int line(int from, int to) {
        if (to - from < 2 || buf[to - 2] != '\r') {
            return status(400, "line not ended by CRLF");
        }
        int end = to - 2;
        if (requestLineEnd < 0) {
            if (end == from) {
                return CONTINUE; // RFC 9112 2.2: empty lines before the request line are ignored
            }
            requestLineEnd = to;
            return requestLine(from, end);
        }
        return end == from ? endOfHead() : field(from, end);
    }

    private int requestLine(int from, int end) {
        int i = from;
        while (i < end && Ascii.isTchar(buf[i])) {
            i++;
        }
        if (i == from || i >= end || buf[i] != ' ') {
            return status(400, "malformed method");
        }
        methodStart = from;
        methodEnd = i++;
        targetStart = i;
        while (i < end && Ascii.isVisible(buf[i])) {
            i++;
        }
        if (i == targetStart || i >= end || buf[i] != ' ') {
            return status(400, "malformed request target");
        }
        targetEnd = i++;
        int r = version(i, end);
        return r != CONTINUE ? r : splitTarget();
    }

    private int version(int i, int end) {
        if (end - i != 8
                || buf[i] != 'H'
                || buf[i + 1] != 'T'
                || buf[i + 2] != 'T'
                || buf[i + 3] != 'P'
                || buf[i + 4] != '/'
                || buf[i + 6] != '.'
                || !isDigit(buf[i + 5])
                || !isDigit(buf[i + 7])) {
            return status(400, "malformed HTTP version");
        }
        if (buf[i + 5] != '1' || buf[i + 7] > '1') {
            return status(505, "only HTTP/1.0 and HTTP/1.1 are supported");
        }
        http11 = buf[i + 7] == '1';
        return CONTINUE;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Finds path and query in origin-form, absolute-form and asterisk-form targets. */
    private int splitTarget() {
        int p = targetStart;
        if (buf[p] != '/' && !(targetEnd - p == 1 && buf[p] == '*')) {
            int colon = p;
            while (colon < targetEnd && isSchemeChar(buf[colon])) {
                colon++;
            }
            if (colon == p
                    || colon + 3 > targetEnd
                    || buf[colon] != ':'
                    || buf[colon + 1] != '/'
                    || buf[colon + 2] != '/') {
                return status(400, "unsupported request target form");
            }
            p = colon + 3;
            while (p < targetEnd && buf[p] != '/' && buf[p] != '?') {
                p++;
            }
        }
        pathStart = p;
        while (p < targetEnd && buf[p] != '?') {
            p++;
        }
        pathEnd = p;
        queryStart = p < targetEnd ? p + 1 : -1;
        return CONTINUE;
    }

    private static boolean isSchemeChar(byte b) {
        return (b | 0x20) >= 'a' && (b | 0x20) <= 'z' || isDigit(b) || b == '+' || b == '-' || b == '.';
    }

    private int field(int from, int end) {
        if (Ascii.isWhitespace(buf[from])) {
            return status(400, "obsolete line folding");
        }
        int i = from;
        while (i < end && Ascii.isTchar(buf[i])) {
            i++;
        }
        if (i >= end) {
            return status(400, "header field without colon");
        }
        if (buf[i] != ':' || i == from) {
            return status(400, "invalid header field name");
        }
        int nameEnd = i++;
        while (i < end && Ascii.isWhitespace(buf[i])) {
            i++;
        }
        int valueStart = i;
        int valueEnd = end;
        while (valueEnd > valueStart && Ascii.isWhitespace(buf[valueEnd - 1])) {
            valueEnd--;
        }
        for (int k = valueStart; k < valueEnd; k++) {
            if (!Ascii.isFieldByte(buf[k])) {
                return status(400, "invalid byte in header field value");
            }
        }
        if (fieldCount == limits.maxHeaderCount()) {
            return status(431, "more than " + limits.maxHeaderCount() + " header fields");
        }
        int at = fieldCount * FIELD_INTS;
        if (at == fields.length) {
            fields = java.util.Arrays.copyOf(fields, fields.length * 2);
        }
        fields[at] = from;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fieldCount++;
        String problem = framing.field(buf, from, nameEnd, valueStart, valueEnd);
        return problem == null ? CONTINUE : status(framing.problemStatus, problem);
    }

    private int endOfHead() {
        String problem = framing.endOfHead(http11);
        return problem == null ? DONE : status(400, problem);
    }

    private boolean error(int status, String reason) {
        errorStatus = status;
        errorReason = reason;
        return false;
    }

    private int status(int status, String reason) {
        error(status, reason);
        return ERROR;
    }
}
