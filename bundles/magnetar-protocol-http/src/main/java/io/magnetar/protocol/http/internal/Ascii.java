package io.magnetar.protocol.http.internal;

/**
 * Byte classes of RFC 9110/9112 and the few byte-level comparisons the parser needs, so that no
 * header name is turned into a {@code String} on the hot path.
 *
 * <p>Immutable (static tables only).
 */
public final class Ascii {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Ascii() {}

    /** A {@code tchar}: what method names and header field names are made of. */
    public static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }

    /** A visible US-ASCII byte: what a request-target is made of (no SP, no CTL, no DEL, no obs-text). */
    static boolean isVisible(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    /** A byte allowed inside a field value: HTAB, SP, VCHAR, obs-text; never CR, LF, NUL or another CTL. */
    static boolean isFieldByte(byte b) {
        int c = b & 0xff;
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }

    /** True when {@code a[from, to)} equals {@code lower} ignoring ASCII case; {@code lower} must be lower case. */
    static boolean equalsLower(byte[] a, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = a[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code a[from, to)} is {@code name} ignoring ASCII case ({@code name} in any case). */
    public static boolean equalsIgnoreCase(byte[] a, int from, int to, CharSequence name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            int x = a[from + i] & 0xff;
            int y = name.charAt(i);
            if (x != y && toLower(x) != toLower(y)) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** The hash {@link String#hashCode()} gives a Latin-1 string of these bytes. */
    public static int hash(byte[] a, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + (a[i] & 0xff);
        }
        return h;
    }
}
