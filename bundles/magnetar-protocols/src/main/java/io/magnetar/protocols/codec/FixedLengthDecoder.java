package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;

/** Frames of exactly {@code length} bytes. Confined to its connection's event loop. */
public final class FixedLengthDecoder extends FrameDecoder {

    public FixedLengthDecoder(int length) {
        super(length);
    }

    @Override
    protected int scan(ByteBuffer buf, int from, int to, long scannedBefore) {
        long need = maxFrame - scannedBefore;
        return to - from >= need ? (int) (from + need) : -1;
    }

    @Override
    protected void reset() {
        // no state beyond what the base counts
    }
}
