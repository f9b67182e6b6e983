package io.magnetar.protocol.http.internal;

import java.nio.ByteBuffer;

/**
 * The output buffer the HTTP connections of one event loop thread encode their responses into, one
 * connection at a time: lent at a connection's first response and given back at its flush (within the
 * same read, or the same timer or answer), so an idle connection keeps no output buffer of its own. A
 * connection that finds it lent (one working inside another's callback on the same thread), or has a
 * response larger than it, uses a buffer of its own. A heap buffer: a direct one spares the socket write a
 * copy, but responses go in a few small arrays at a time, which cost more there; it was no faster.
 *
 * <p>Confined to its thread (a {@link ThreadLocal}).
 */
public final class LoopOutput {

    /** Room for a flush's worth of pipelined responses (flushed from 16 KiB) plus a copied body and its head. */
    public static final int CAPACITY = 32 * 1024;

    private static final ThreadLocal<LoopOutput> LOCAL = ThreadLocal.withInitial(LoopOutput::new);

    private final ByteBuffer buffer = ByteBuffer.allocate(CAPACITY);
    private boolean lent;

    private LoopOutput() {}

    /** This thread's. */
    public static LoopOutput get() {
        return LOCAL.get();
    }

    /** The buffer, cleared, when it is free and has room for {@code size} bytes; else null. */
    public ByteBuffer lend(int size) {
        if (lent || size > CAPACITY) {
            return null;
        }
        lent = true;
        return buffer.clear();
    }

    /** Takes the buffer back; what it holds is no longer anybody's. */
    public void giveBack() {
        lent = false;
    }
}
