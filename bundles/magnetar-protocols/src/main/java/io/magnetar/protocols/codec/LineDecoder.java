package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;

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
        for (int i = from; i < stop; i++) {
            if (buf.get(i) == '\n') {
                crlf = i > from ? buf.get(i - 1) == '\r' : lastCr;
                return i + 1;
            }
        }
        if (stop < to) {
            throw new FrameTooLongException("line longer than " + maxFrame + " bytes", maxFrame);
        }
        lastCr = to > from && buf.get(to - 1) == '\r';
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
