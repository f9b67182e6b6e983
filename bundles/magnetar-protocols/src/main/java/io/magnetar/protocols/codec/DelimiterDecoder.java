package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;

/**
 * Frames ended by any delimiter (one or more bytes), found incrementally — a delimiter split across
 * reads is still one delimiter, and no byte is scanned twice (a prefix table, as Knuth–Morris–Pratt).
 * With {@code strip} the frame is handed over without its delimiter.
 *
 * <p>Confined to its connection's event loop.
 */
public final class DelimiterDecoder extends FrameDecoder {

    private final byte[] delimiter;
    /** fallback[k]: how many delimiter bytes still match after a mismatch with k matched. */
    private final int[] fallback;

    private final boolean strip;
    private int matched;

    public DelimiterDecoder(byte[] delimiter, int maxFrame, boolean strip) {
        super(maxFrame);
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("empty delimiter");
        }
        this.delimiter = delimiter.clone();
        this.strip = strip;
        this.fallback = new int[delimiter.length + 1];
        int k = 0;
        for (int i = 1; i < delimiter.length; i++) {
            while (k > 0 && delimiter[i] != delimiter[k]) {
                k = fallback[k];
            }
            if (delimiter[i] == delimiter[k]) {
                k++;
            }
            fallback[i + 1] = k;
        }
    }

    @Override
    protected int scan(ByteBuffer buf, int from, int to, long scannedBefore) {
        int m = matched;
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            while (m > 0 && b != delimiter[m]) {
                m = fallback[m];
            }
            if (b == delimiter[m]) {
                m++;
            }
            if (m == delimiter.length) {
                matched = 0;
                return i + 1;
            }
            if (i - from + scannedBefore >= maxFrame) {
                throw new FrameTooLongException("frame without delimiter in " + maxFrame + " bytes", maxFrame);
            }
        }
        matched = m;
        return -1;
    }

    @Override
    protected int stripTail(int frameLength) {
        return strip ? delimiter.length : 0;
    }

    @Override
    protected void reset() {
        matched = 0;
    }
}
