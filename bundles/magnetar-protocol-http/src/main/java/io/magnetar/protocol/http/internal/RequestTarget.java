package io.magnetar.protocol.http.internal;

/**
 * The bytes a request-target may hold (RFC 9112 3.2 with RFC 3986): unreserved, sub-delims, {@code :},
 * {@code @}, {@code /}, {@code ?} and {@code %} with two hex digits. Also taken, though RFC 3986 would have
 * them percent-encoded: {@code [ ] \ ^ ` { | }}, which browsers send raw in paths and queries (the WHATWG
 * URL standard's percent-encode sets leave them, as in {@code ?a[]=1}); refusing them would refuse real
 * clients for no safety gained. Refused: raw {@code " < >} (browsers encode them), a fragment's {@code #}
 * (never sent), a {@code %} without two hex digits, spaces, controls and non-ASCII.
 *
 * <p>Immutable (static tables only).
 */
final class RequestTarget {

    /** The bytes that need no further look: one table lookup each, as for tchar. */
    private static final boolean[] URI = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            URI[c] = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || c >= '0' && c <= '9';
        }
        for (char c : "-._~!$&'()*+,;=:@/?[]\\^`{|}".toCharArray()) {
            URI[c] = true;
        }
    }

    private RequestTarget() {}

    /** Where the URI characters that start at {@code buf[from]} end (at most {@code end}). */
    static int end(byte[] buf, int from, int end) {
        int i = from;
        while (true) {
            while (i < end && URI[buf[i] & 0xff]) {
                i++;
            }
            if (i >= end) {
                return i;
            }
            byte b = buf[i];
            if (b == '%' && end - i >= 3 && Ascii.hex(buf[i + 1]) >= 0 && Ascii.hex(buf[i + 2]) >= 0) {
                i += 3;
            } else {
                return i;
            }
        }
    }

    /** True for RFC 3986's unreserved characters: ALPHA, DIGIT, {@code - . _ ~}. */
    static boolean isUnreserved(int c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'
                || c >= '0' && c <= '9'
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    /** Why a target stopped at {@code buf[i]} (not at the space before the version). */
    static String problemAt(byte[] buf, int i, int end) {
        if (i < end && buf[i] == '%') {
            return "malformed percent-encoding in the request target";
        }
        return i < end && Ascii.isVisible(buf[i])
                ? "character not allowed in the request target"
                : "malformed request target";
    }

    /**
     * The problem with the authority {@code [from, to)} (the rest up to {@code end} is checked already) of an absolute-form
     * target, or {@code null}. RFC 9110 4.2.1 and 4.2.4: an http(s) authority has a host and no userinfo.
     */
    static String absoluteFormProblem(byte[] buf, int from, int to, int end) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '@') {
                return "userinfo in the request target";
            }
        }
        if (from == to || buf[from] == ':') {
            return "no host in the request target";
        }
        if (!FramingFields.isAuthority(buf, from, to)) {
            return "request target authority is not valid";
        }
        return null;
    }
}
