package io.magnetar.websocket.internal;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;

/**
 * Unmasked frames sent on the loop, header and payload appended to one reused buffer and handed to the
 * transport together (with {@code writeCopy}, which copies only what the socket does not take), so the
 * echoes of one read leave in one write and a steady stream of frames allocates nothing. A buffer grown
 * past 64 KiB is let go once flushed.
 *
 * <p>Confined to its connection's event loop.
 */
final class FrameBatch {

    private static final int INITIAL = 16 * 1024;
    private ByteBuffer out;

    /** Appends one unmasked, uncompressed frame of {@code data}'s remaining bytes, flushing first if full. */
    void append(StreamTransport t, int opcode, ByteBuffer data) {
        int length = data.remaining();
        int needed = length + 10;
        if (out == null) {
            out = ByteBuffer.allocate(Math.max(needed, INITIAL));
        } else if (out.remaining() < needed) {
            flush(t);
            if (out == null || out.capacity() < needed) {
                out = ByteBuffer.allocate(Math.max(needed, INITIAL));
            }
        }
        FrameWriter.putHeader(out, opcode, false, length, false);
        out.put(data);
    }

    /** Hands the batched frames to {@code t}; false when there were none. */
    boolean flush(StreamTransport t) {
        if (out == null || out.position() == 0) {
            return false;
        }
        out.flip();
        t.writeCopy(out);
        out.clear();
        if (out.capacity() > MessageBuffer.KEEP) {
            out = null;
        }
        return true;
    }
}
