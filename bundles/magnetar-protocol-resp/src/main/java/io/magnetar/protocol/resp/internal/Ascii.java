package io.magnetar.protocol.resp.internal;

/**
 * Byte-level text helpers for the server's hot path: case-insensitive names, strict decimal integers
 * (as redis's {@code string2ll}: no sign but {@code -}, no leading zeros, no blanks, 64 bits), and
 * decimal formatting, all without making a {@link String}.
 *
 * <p>Stateless; thread-safe.
 */
final class Ascii {

    /** Long.MIN_VALUE has 19 digits and a sign. */
    static final int MAX_LONG_CHARS = 20;

    private Ascii() {}

    /**
     * True when {@code a[off, off+len)} equals {@code upper} ignoring ASCII case. {@code upper} holds only
     * upper-case letters, so clearing bit 5 of the candidate can only turn a letter into its upper case.
     */
    static boolean equalsIgnoreCase(byte[] a, int off, int len, byte[] upper) {
        if (len != upper.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((a[off + i] & 0xdf) != upper[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code a[off, off+len)} strictly into {@code out[0]}; false when it is not a 64-bit integer. */
    static boolean parseLong(byte[] a, int off, int len, long[] out) {
        if (len == 0 || len > MAX_LONG_CHARS) {
            return false;
        }
        if (len == 1 && a[off] == '0') {
            out[0] = 0;
            return true;
        }
        boolean negative = a[off] == '-';
        int i = negative ? off + 1 : off;
        int end = off + len;
        if (i == end || a[i] < '1' || a[i] > '9') {
            return false; // empty after the sign, or a leading zero ("-0", "007")
        }
        // Accumulate negatively: the negative range is one larger, so Long.MIN_VALUE parses too.
        long n = 0;
        for (; i < end; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9 || n < Long.MIN_VALUE / 10) {
                return false;
            }
            long next = n * 10 - d;
            if (next > n) {
                return false;
            }
            n = next;
        }
        if (!negative) {
            if (n == Long.MIN_VALUE) {
                return false;
            }
            n = -n;
        }
        out[0] = n;
        return true;
    }

    /** Whole-array form of {@link #parseLong(byte[], int, int, long[])}. */
    static boolean parseLong(byte[] a, long[] out) {
        return parseLong(a, 0, a.length, out);
    }

    /**
     * Writes {@code v} in decimal at the end of {@code scratch} (at least {@link #MAX_LONG_CHARS} long)
     * and returns the index of its first character.
     */
    static int format(long v, byte[] scratch) {
        int i = scratch.length;
        // Work on the negative value: -Long.MIN_VALUE does not exist.
        long n = v < 0 ? v : -v;
        do {
            scratch[--i] = (byte) ('0' - (n % 10));
            n /= 10;
        } while (n != 0);
        if (v < 0) {
            scratch[--i] = '-';
        }
        return i;
    }

    /** The bytes of a value formatted by {@link #format}, in a new array (for values the store keeps). */
    static byte[] toBytes(long v) {
        byte[] scratch = new byte[MAX_LONG_CHARS];
        int start = format(v, scratch);
        return java.util.Arrays.copyOfRange(scratch, start, scratch.length);
    }
}
