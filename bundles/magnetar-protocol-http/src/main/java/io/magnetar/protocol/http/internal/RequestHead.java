package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpLimits;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The head of one request (request line and header fields) as it arrives: its bytes are copied into
 * a per-connection array and each complete line is parsed at once, leaving offsets; only the framing headers
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LF_BYTES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private final HttpLimits limits;
    byte[] buf;
    int length;
    private int lineStart;
    /** {@code buf[0, scanned)} holds no LF that has not been acted on. */
    private int scanned;
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
        scanned = 0;
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
        c.scanned = scanned;
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

    /**
     * Takes the bytes of this head from {@code data}, leaving what follows it. Bytes are copied in
     * runs as large as the array has room for and scanned there; what was copied past the end of the
     * head is handed back by moving {@code data}'s position, so a pipelined batch costs one bulk
     * copy per request instead of one per line.
     */
    int feed(ByteBuffer data) {
        int pos = data.position();
        int limit = data.limit();
        while (true) {
            while (scanned < length) {
                int lf = indexOfLf(buf, scanned, length);
                if (lf < 0) {
                    if (hasBareCr(Math.max(lineStart, scanned - 1), length)) {
                        data.position(pos);
                        return status(400, "bare CR in the request head");
                    }
                    scanned = length;
                    break;
                }
                int lineEnd = lf + 1;
                int r = fits(lineEnd) ? line(lineStart, lineEnd) : ERROR;
                lineStart = lineEnd;
                scanned = lineEnd;
                if (r != CONTINUE) {
                    data.position(pos - (length - lineEnd));
                    length = lineEnd;
                    return r;
                }
            }
            if (!fits(length)) { // a line still without its LF is already over the limit
                data.position(pos);
                return ERROR;
            }
            if (pos == limit) {
                data.position(limit);
                return CONTINUE;
            }
            if (length == buf.length && !grow()) {
                data.position(pos);
                return status(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
            }
            int n = Math.min(buf.length - length, limit - pos);
            data.get(pos, buf, length, n);
            pos += n;
            length += n;
        }
    }

    /** The first LF in {@code a[from, to)}, eight bytes at a time, or -1. */
    private static int indexOfLf(byte[] a, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(a, i) ^ LF_BYTES;
            // Exact zero-byte test (no borrow between bytes): a byte's high bit is clear only if it was 0.
            long zero = ~(((x & LOW7) + LOW7) | x | LOW7);
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * True when {@code buf[from, to)}, which holds no LF, has a CR with a byte after it: a CR that
     * no LF follows (RFC 9112 2.2), refused as soon as it is seen rather than when the head times out.
     */
    private boolean hasBareCr(int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (buf[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    /** True while the line ending at {@code end} (exclusive) keeps the head within the limits. */
    private boolean fits(int end) {
        if (requestLineEnd < 0) {
            if (end > limits.maxRequestLine()) {
                return methodFillsRequestLine()
                        ? error(501, "method longer than " + limits.maxRequestLine() + " bytes")
                        : error(414, "request line longer than " + limits.maxRequestLine() + " bytes");
            }
        } else if (end - requestLineEnd > limits.maxHeaderBytes()) {
            return error(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
        }
        return true;
    }

    /**
     * True when the request line is method bytes up to its limit: no method is that long, so the answer
     * is "not implemented" (RFC 9110 15.6.2) rather than a URI too long. Only looked at when refusing.
     */
    private boolean methodFillsRequestLine() {
        int i = lineStart;
        while (i < limits.maxRequestLine() && Ascii.isTchar(buf[i])) {
            i++;
        }
        return i > lineStart && i == limits.maxRequestLine();
    }

    /** Doubles the array up to the most a head may hold; false when it is that large already. */
    private boolean grow() {
        int max = limits.maxRequestLine() + limits.maxHeaderBytes();
        if (buf.length >= max) {
            return false;
        }
        buf = java.util.Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, max));
        return true;
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
        i = RequestTarget.end(buf, i, end);
        if (i == targetStart || i >= end || buf[i] != ' ') {
            return status(400, RequestTarget.problemAt(buf, i, end));
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
        if (buf[i + 5] != '1') {
            return status(505, "only HTTP/1.x is supported");
        }
        // RFC 9110 2.5: a later 1.x minor version is answered as the highest one supported, 1.1.
        http11 = buf[i + 7] != '0';
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
                // The authority-form is CONNECT's alone (RFC 9112 3.2.3): a tunnel this server does not make.
                return isConnect()
                        ? status(501, "CONNECT is not supported")
                        : status(400, "unsupported request target form");
            }
            p = colon + 3;
            while (p < targetEnd && buf[p] != '/' && buf[p] != '?') {
                p++;
            }
            String problem = RequestTarget.absoluteFormProblem(buf, colon + 3, p, targetEnd);
            if (problem != null) {
                return status(400, problem);
            }
        }
        pathStart = p;
        boolean escaped = false;
        while (p < targetEnd && buf[p] != '?') {
            escaped |= buf[p] == '%';
            p++;
        }
        pathEnd = escaped ? normalizePath(pathStart, p) : p;
        queryStart = pathEnd < targetEnd ? pathEnd + 1 : -1;
        return CONTINUE;
    }

    /**
     * Percent-encoded unreserved characters in the path {@code [from, to)} decoded, other escapes' hex
     * digits upper-cased, in place (RFC 3986 6.2.2.1-2: the same URI, so {@code /h%65alth} routes as
     * {@code /health}); the rest of the target moves up. An escape of anything else stays, so a handler
     * that decodes once never decodes twice. Returns the path's new end.
     */
    private int normalizePath(int from, int to) {
        int w = from;
        for (int r = from; r < to; ) { // the target's escapes were checked: two hex digits follow each %
            byte b = buf[r];
            if (b != '%') {
                buf[w++] = b;
                r++;
                continue;
            }
            int c = Ascii.hex(buf[r + 1]) << 4 | Ascii.hex(buf[r + 2]);
            if (RequestTarget.isUnreserved(c)) {
                buf[w++] = (byte) c;
            } else {
                buf[w++] = '%';
                buf[w++] = upperHex(buf[r + 1]);
                buf[w++] = upperHex(buf[r + 2]);
            }
            r += 3;
        }
        int newEnd = w;
        System.arraycopy(buf, to, buf, w, targetEnd - to);
        targetEnd -= to - w;
        return newEnd;
    }

    private static byte upperHex(byte b) {
        return b >= 'a' && b <= 'f' ? (byte) (b - 32) : b;
    }

    private static final byte[] CONNECT = {'C', 'O', 'N', 'N', 'E', 'C', 'T'};

    private boolean isConnect() {
        return java.util.Arrays.equals(buf, methodStart, methodEnd, CONNECT, 0, CONNECT.length);
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
        return problem == null ? DONE : status(framing.problemStatus, problem);
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
