package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Lines ended by LF, or CRLF (a CR right before the LF belongs to the line ending, also when the two
 * arrive in different reads). With {@code strip} the frame is the line without its ending.
 *
 * <p>Confined to its connection's event loop.
 */
public final class LineDecoder extends FrameDecoder {

    private final boolean strip;
    /** The last byte scanned was CR. */
    private boolean lastCr;
    /** The line just found ended in CRLF. */
    private boolean crlf;

    public LineDecoder(int maxFrame, boolean strip) {
        super(maxFrame);
        this.strip = strip;
    }

    @Override
    protected int scan(ByteBuffer buf, int from, int to, long scannedBefore) {
        // Past this index the line could no longer fit: the search stops there (one comparison per byte).
        int stop = (int) Math.min(to, from + Math.max(0, maxFrame - scannedBefore));
        int lf = find(buf, from, stop);
        if (lf >= 0) {
            crlf = lf > from ? buf.get(lf - 1) == '\r' : lastCr;
            return lf + 1;
        }
        if (stop < to) {
            throw new FrameTooLongException("line longer than " + maxFrame + " bytes", maxFrame);
        }
        lastCr = to > from && buf.get(to - 1) == '\r';
        return -1;
    }

    /**
     * The index of the first LF in {@code buf[from, to)}, or -1: eight bytes at a time (a zero byte of
     * {@code word ^ 0x0A…} is an LF; the lowest flagged byte of the classic has-zero test is exact), the
     * last few one by one.
     */
    private static int find(ByteBuffer buf, int from, int to) {
        boolean bigEndian = buf.order() == ByteOrder.BIG_ENDIAN;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = buf.getLong(i);
            // Least significant byte first, as in memory: the test's lowest flag is then the first LF.
            long v = (bigEndian ? Long.reverseBytes(word) : word) ^ 0x0A0A0A0A0A0A0A0AL;
            long found = (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buf.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected int stripTail(int frameLength) {
        return strip ? (crlf ? 2 : 1) : 0;
    }

    @Override
    protected void reset() {
        lastCr = false;
        crlf = false;
    }
}
