package io.magnetar.protocol.resp.internal;

/**
 * redis's glob, as {@code KEYS}, {@code SCAN ... MATCH} and {@code CONFIG GET} take it.
 *
 * <p>Immutable (static methods only).
 */
final class Glob {

    private Glob() {}

    /**
     * redis's glob: {@code *} any run, {@code ?} one byte, {@code [abc]}, {@code [a-z]}, {@code [^x]} one byte of
     * (or not of) a set, {@code \} the next byte as it is. Greedy with one backtrack point: O(pattern × name).
     */
    static boolean matches(byte[] pattern, byte[] name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length) {
            if (p < pattern.length && pattern[p] == '*') {
                star = p++;
                mark = n;
                continue;
            }
            int next = p < pattern.length ? matchOne(pattern, p, name[n]) : -1;
            if (next >= 0) {
                p = next;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** Where the pattern goes on when its element at {@code p} matches {@code b}; -1 when it does not. */
    private static int matchOne(byte[] pattern, int p, byte b) {
        byte c = pattern[p];
        if (c == '?') {
            return p + 1;
        }
        if (c == '\\' && p + 1 < pattern.length) {
            return pattern[p + 1] == b ? p + 2 : -1;
        }
        if (c != '[') {
            return c == b ? p + 1 : -1;
        }
        int i = p + 1;
        boolean not = i < pattern.length && pattern[i] == '^';
        if (not) {
            i++;
        }
        boolean in = false;
        for (; i < pattern.length && pattern[i] != ']'; i++) {
            if (pattern[i] == '\\' && i + 1 < pattern.length) {
                in |= pattern[++i] == b;
            } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
                int lo = Math.min(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                int hi = Math.max(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                in |= (b & 0xff) >= lo && (b & 0xff) <= hi;
                i += 2;
            } else {
                in |= pattern[i] == b;
            }
        }
        // redis treats a class left open at the pattern's end as closed there
        return in != not ? Math.min(i + 1, pattern.length) : -1;
    }
}
