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
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            if (b == '\n') {
                crlf = i > from ? buf.get(i - 1) == '\r' : lastCr;
                return i + 1;
            }
            if (i - from + scannedBefore >= maxFrame) {
                throw new FrameTooLongException("line longer than " + maxFrame + " bytes", maxFrame);
            }
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
