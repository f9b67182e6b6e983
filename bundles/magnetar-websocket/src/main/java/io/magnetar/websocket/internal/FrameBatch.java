package io.magnetar.websocket.internal;

import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.codec.PendingOutput;
import java.nio.ByteBuffer;

/**
 * Unmasked frames sent on the loop, header and payload appended to one of the loop thread's shared output
 * buffers ({@link PendingOutput}) and handed to the transport together (with {@code writeCopy}, which
 * copies only what the socket does not take), so the echoes of one read leave in one write, a steady
 * stream of frames allocates nothing, and an idle connection keeps no output buffer.
 *
 * <p>Confined to its connection's event loop.
 */
final class FrameBatch {

    /** The largest header of an unmasked frame. */
    private static final int MAX_HEADER = 10;

    private final PendingOutput output = new PendingOutput();

    /** Appends one unmasked, uncompressed frame of {@code data}'s remaining bytes, flushing first if full. */
    void append(StreamTransport t, int opcode, ByteBuffer data) {
        int length = data.remaining();
        output.attach(t);
        ByteBuffer out = output.reserve(length + MAX_HEADER);
        FrameWriter.putHeader(out, opcode, false, length, false);
        out.put(data);
    }

    /** Hands the batched frames to {@code t}; false when there were none. */
    boolean flush(StreamTransport t) {
        output.attach(t);
        return output.flush();
    }

    /** Drops the frames not handed over yet (the connection is gone). */
    void release() {
        output.release();
    }
}
