package io.magnetar.protocols.codec;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;

/**
 * A connection's output on its way to the transport: replies are put into {@link #reserve}'s buffer and
 * handed over together by {@link #flush} (one {@link StreamTransport#writeCopy}, which copies only what the
 * socket does not take at once). The buffer is borrowed from the few its thread (an event loop) shares
 * among its connections, lent at the first reserve and given back at the flush, so an idle connection keeps
 * no output buffer and a busy one allocates nothing. A second one serves a connection writing inside
 * another's callback (a WebSocket message broadcast to the loop's other connections from within the read
 * that brought it); when {@value #SHARED_PER_THREAD} are lent at once, or more room is needed than one
 * has, the connection gets a buffer of its own until its flush. Heap buffers: replies go in as small
 * arrays (plain array copies), and the socket write copies the batch once into its own direct buffer.
 *
 * <p>Use one per connection, on its event loop thread only: the shared buffers are that thread's.
 *
 * @since 1.2
 */
public final class PendingOutput {

    /** Each shared buffer holds this much: a flush's worth of replies and a large one after them. */
    public static final int SHARED_CAPACITY = 32 * 1024;
    /** Shared buffers a thread makes at most (on demand): one per connection writing at the same time. */
    public static final int SHARED_PER_THREAD = 4;
    /** A buffer of its own starts this large. */
    private static final int OWN_INITIAL = 4 * 1024;

    /** Stands in the thread's slots for a shared buffer not made yet. */
    private static final ByteBuffer NOT_MADE = ByteBuffer.allocate(0);
    /**
     * Per thread, its shared buffers: a slot is null while its buffer is lent. Only JDK types in the value,
     * so a loop thread that outlives an update of this bundle does not keep its old class loader.
     */
    private static final ThreadLocal<ByteBuffer[]> SHARED = ThreadLocal.withInitial(() -> {
        ByteBuffer[] slots = new ByteBuffer[SHARED_PER_THREAD];
        java.util.Arrays.fill(slots, NOT_MADE);
        return slots;
    });

    private StreamTransport transport;
    /** The pending output; null while there is none. */
    private ByteBuffer out;
    /** The thread's shared buffers, looked up once: the connection never leaves its thread. */
    private ByteBuffer[] shared;

    private boolean lent;

    /** Where {@link #flush} hands the output. */
    public void attach(StreamTransport t) {
        this.transport = t;
    }

    /**
     * The buffer to put {@code size} more bytes into at its position: the current one when it has the
     * room, else a fresh one (what was pending is flushed first, so the order of the bytes stays).
     */
    public ByteBuffer reserve(int size) {
        if (out != null && out.remaining() >= size) {
            return out;
        }
        flush();
        if (shared == null) {
            shared = SHARED.get();
        }
        out = size <= SHARED_CAPACITY ? lend(shared) : null;
        lent = out != null;
        if (!lent) {
            out = ByteBuffer.allocate(Math.max(OWN_INITIAL, size));
        }
        return out;
    }

    /** Bytes put since the last flush. */
    public int pending() {
        return out == null ? 0 : out.position();
    }

    /** Hands the pending bytes to the transport and the buffer back; false when there were none. */
    public boolean flush() {
        if (out == null) {
            return false;
        }
        boolean wrote = out.position() > 0;
        if (wrote) {
            out.flip();
            transport.writeCopy(out);
        }
        release();
        return wrote;
    }

    /** Drops the pending bytes unsent (the connection is gone) and gives the buffer back. */
    public void release() {
        if (lent) {
            giveBack(shared, out);
            lent = false;
        }
        out = null;
    }

    private static ByteBuffer lend(ByteBuffer[] slots) {
        for (int i = 0; i < slots.length; i++) {
            ByteBuffer b = slots[i];
            if (b != null) {
                slots[i] = null;
                return b == NOT_MADE ? ByteBuffer.allocate(SHARED_CAPACITY) : b.clear();
            }
        }
        return null;
    }

    private static void giveBack(ByteBuffer[] slots, ByteBuffer b) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = b;
                return;
            }
        }
    }

    /** True while a buffer is held: there is output pending, or a reserve not yet flushed. */
    public boolean holdsBuffer() {
        return out != null;
    }

    /** True while the buffer held is one of the thread's shared ones. */
    public boolean holdsSharedBuffer() {
        return lent;
    }
}
