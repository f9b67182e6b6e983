package io.magnetar.websocket.internal;

/**
 * Checks UTF-8 (RFC 3629) byte by byte, across as many calls as a message takes: text frames are
 * refused (1007) at the first byte that cannot be UTF-8, also when a character is split across
 * fragments. Rejects overlong forms, surrogates and code points above U+10FFFF.
 *
 * <p>Confined to its connection's event loop.
 */
final class Utf8Validator {

    /** Continuation bytes still expected for the current character. */
    private int need;
    /** Bounds of the next continuation byte (narrower than 80..BF right after some lead bytes). */
    private int lower = 0x80;

    private int upper = 0xBF;

    /** Feeds {@code a[from, to)}; false at the first invalid byte (the state is then undefined until {@link #reset}). */
    boolean feed(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = a[i] & 0xFF;
            if (need == 0) {
                if (b < 0x80) {
                    continue;
                }
                if (!lead(b)) {
                    return false;
                }
            } else {
                if (b < lower || b > upper) {
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                need--;
            }
        }
        return true;
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b == 0xE0) {
            need = 2;
            lower = 0xA0; // no overlong three-byte forms
        } else if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
            need = 2;
        } else if (b == 0xED) {
            need = 2;
            upper = 0x9F; // no UTF-16 surrogates
        } else if (b == 0xF0) {
            need = 3;
            lower = 0x90; // no overlong four-byte forms
        } else if (b >= 0xF1 && b <= 0xF3) {
            need = 3;
        } else if (b == 0xF4) {
            need = 3;
            upper = 0x8F; // nothing above U+10FFFF
        } else {
            return false;
        }
        return true;
    }

    /** True when no character is left incomplete: the message may end here. */
    boolean isComplete() {
        return need == 0;
    }

    void reset() {
        need = 0;
        lower = 0x80;
        upper = 0xBF;
    }
}
