package io.magnetar.protocol.http.internal;

/**
 * The header fields that decide how a request is framed and whether the connection stays:
 * {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Expect} and
 * {@code Host}, read by byte comparison as their lines arrive. Ambiguous framing is refused (400):
 * both {@code Transfer-Encoding} and {@code Content-Length}, differing lengths, chunked twice or not
 * last — the inputs request smuggling is made of. {@code Transfer-Encoding} lines make one list
 * (RFC 9110 5.3) whose empty elements are ignored (5.6.1.2); a coding other than chunked is a 501.
 *
 * <p>Confined to its connection's event loop.
 */
final class FramingFields {

    private static final String CHUNKED_NOT_FINAL = "chunked is not the final transfer coding";

    /** -1 when absent; saturates at {@code Long.MAX_VALUE} (over any body limit, so a 413). */
    long contentLength;

    boolean transferEncoding;
    /** True while the last transfer coding listed so far is chunked. */
    boolean chunked;
    /** A coding other than chunked was listed: refused (501) once the list is known to end in chunked. */
    private boolean otherCoding;

    boolean closeToken;
    boolean keepAliveToken;
    boolean expectContinue;
    private int hosts;
    /** The status of the last problem {@link #field} reported: 400, or 501 for an unknown coding. */
    int problemStatus;

    FramingFields() {
        reset();
    }

    void reset() {
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        otherCoding = false;
        closeToken = false;
        keepAliveToken = false;
        expectContinue = false;
        hosts = 0;
        problemStatus = 0;
    }

    FramingFields copy() {
        FramingFields c = new FramingFields();
        c.contentLength = contentLength;
        c.transferEncoding = transferEncoding;
        c.chunked = chunked;
        c.otherCoding = otherCoding;
        c.closeToken = closeToken;
        c.keepAliveToken = keepAliveToken;
        c.expectContinue = expectContinue;
        c.hosts = hosts;
        return c;
    }

    /**
     * Takes note of field {@code buf[name, nameEnd)} with value {@code buf[value, valueEnd)}; returns
     * the problem (status in {@link #problemStatus}) or {@code null}. Other fields are ignored here.
     */
    String field(byte[] buf, int name, int nameEnd, int value, int valueEnd) {
        problemStatus = 400;
        switch (nameEnd - name) {
            case 4:
                if (Ascii.equalsLower(buf, name, nameEnd, "host")) {
                    if (++hosts > 1) {
                        return "more than one Host header";
                    }
                    return isAuthority(buf, value, valueEnd) ? null : "Host is not a valid authority";
                }
                return null;
            case 6:
                if (Ascii.equalsLower(buf, name, nameEnd, "expect")) {
                    expectContinue = Ascii.equalsLower(buf, value, valueEnd, "100-continue");
                }
                return null;
            case 10:
                if (Ascii.equalsLower(buf, name, nameEnd, "connection")) {
                    listElements(buf, value, valueEnd, false); // connection tokens report no problem
                }
                return null;
            case 14:
                return Ascii.equalsLower(buf, name, nameEnd, "content-length")
                        ? contentLength(buf, value, valueEnd)
                        : null;
            case 17:
                return Ascii.equalsLower(buf, name, nameEnd, "transfer-encoding")
                        ? transferEncoding(buf, value, valueEnd)
                        : null;
            default:
                return null;
        }
    }

    /**
     * RFC 9110 section 7.2: {@code Host = uri-host [ ":" port ]} with RFC 3986's {@code host}: an IP
     * literal in brackets, or a reg-name / IPv4 address of unreserved, percent-encoded and sub-delim
     * characters; {@code port = *DIGIT}. Empty is allowed (a target without authority). No userinfo.
     */
    static boolean isAuthority(byte[] buf, int from, int to) {
        int i = from;
        if (i < to && buf[i] == '[') {
            while (i < to && buf[i] != ']') {
                byte b = buf[i];
                if (i > from
                        && !(isHexOrDigit(b)
                                || b == ':'
                                || b == '.'
                                || (b | 0x20) == 'v'
                                || isUnreservedOrSubDelim(b))) {
                    return false;
                }
                i++;
            }
            if (i == to || i == from + 1) {
                return false; // no closing bracket, or nothing inside
            }
            i++;
        } else {
            while (i < to && buf[i] != ':') {
                byte b = buf[i];
                if (b == '%') {
                    if (i + 2 >= to || !isHexOrDigit(buf[i + 1]) || !isHexOrDigit(buf[i + 2])) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                if (!isUnreservedOrSubDelim(b)) {
                    return false;
                }
                i++;
            }
        }
        if (i < to) {
            if (buf[i] != ':') {
                return false;
            }
            for (i++; i < to; i++) {
                if (!RequestHead.isDigit(buf[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** RFC 3986 unreserved or sub-delims: a {@code reg-name} byte, one table lookup per Host byte. */
    private static final boolean[] REG_NAME = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            REG_NAME[c] = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || c >= '0' && c <= '9';
        }
        for (char c : "-._~!$&'()*+,;=".toCharArray()) {
            REG_NAME[c] = true;
        }
    }

    private static boolean isUnreservedOrSubDelim(byte b) {
        return REG_NAME[b & 0xff];
    }

    private static boolean isHexOrDigit(byte b) {
        return RequestHead.isDigit(b) || (b | 0x20) >= 'a' && (b | 0x20) <= 'f';
    }

    /** The problem with the head as a whole (status in {@link #problemStatus}), or {@code null}. */
    String endOfHead(boolean http11) {
        problemStatus = 400;
        if (http11 && hosts == 0) {
            return "missing Host header";
        }
        if (!transferEncoding) {
            return null;
        }
        if (!http11) {
            return "Transfer-Encoding in an HTTP/1.0 request";
        }
        if (contentLength >= 0) {
            return "both Transfer-Encoding and Content-Length";
        }
        // Only now is the list whole: a later line may still have put chunked last.
        if (!chunked) {
            return otherCoding ? CHUNKED_NOT_FINAL : "Transfer-Encoding without a transfer coding";
        }
        if (otherCoding) {
            problemStatus = 501;
            return "transfer codings other than chunked are not supported";
        }
        return null;
    }

    /**
     * Each element of the comma-separated list {@code [from, to)}, blanks around it trimmed, empty ones skipped
     * (RFC 9110 5.6.1.2), to {@link #connectionToken} or {@link #coding}; the first problem one reports, or null.
     */
    private String listElements(byte[] buf, int from, int to, boolean codings) {
        int i = from;
        while (i < to) {
            int comma = i;
            while (comma < to && buf[comma] != ',') {
                comma++;
            }
            int s = i;
            int e = comma;
            while (s < e && Ascii.isWhitespace(buf[s])) {
                s++;
            }
            while (e > s && Ascii.isWhitespace(buf[e - 1])) {
                e--;
            }
            i = comma + 1;
            if (s == e) {
                continue;
            }
            String problem = codings ? coding(buf, s, e) : connectionToken(buf, s, e);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String connectionToken(byte[] buf, int s, int e) {
        closeToken |= Ascii.equalsLower(buf, s, e, "close");
        keepAliveToken |= Ascii.equalsLower(buf, s, e, "keep-alive");
        return null;
    }

    private String contentLength(byte[] buf, int from, int to) {
        if (from == to) {
            return "empty Content-Length";
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (!RequestHead.isDigit(b)) {
                return "invalid Content-Length";
            }
            // Saturate instead of overflowing: any huge value is over the body limit anyway (413).
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (b - '0');
        }
        if (contentLength >= 0 && contentLength != v) {
            return "conflicting Content-Length headers";
        }
        contentLength = v;
        return null;
    }

    /**
     * Adds the codings of one {@code Transfer-Encoding} line to the list. Chunked followed by anything is
     * refused at once (RFC 9112 6.1: it must be applied once, and last); whether the list ends in chunked
     * is only known at the end of the head.
     */
    private String transferEncoding(byte[] buf, int from, int to) {
        transferEncoding = true;
        return listElements(buf, from, to, true);
    }

    private String coding(byte[] buf, int s, int e) {
        if (chunked) {
            return Ascii.equalsLower(buf, s, e, "chunked") ? "chunked applied more than once" : CHUNKED_NOT_FINAL;
        }
        chunked = Ascii.equalsLower(buf, s, e, "chunked");
        otherCoding |= !chunked;
        return null;
    }
}
