package io.magnetar.tls.internal;

import java.nio.ByteBuffer;

/**
 * The two large buffers a TLS connection needs only while it works — decrypted bytes on their way to the
 * application, records on their way to the socket — shared by every connection of one thread (an event loop),
 * so that an idle connection holds neither: only its engine's own state. A connection borrows a buffer for
 * one call and gives it back before returning; one that finds it borrowed (a connection working inside
 * another's callback on the same thread) uses a buffer of its own for that call.
 *
 * <p>Confined to its thread (a {@link ThreadLocal} holding only JDK types, so a loop thread that outlives an
 * update of this bundle does not keep its old class loader).
 */
final class ThreadBuffers {

    private static final int APP = 0;
    private static final int RECORDS = 1;
    /** Stands in a slot for a buffer not made yet; a lent buffer's slot is null. */
    private static final ByteBuffer NOT_MADE = ByteBuffer.allocate(0);

    private static final ThreadLocal<ByteBuffer[]> LOCAL =
            ThreadLocal.withInitial(() -> new ByteBuffer[] {NOT_MADE, NOT_MADE});

    private ThreadBuffers() {}

    /** A cleared buffer of at least {@code size} bytes for decrypted data; null when already lent. */
    static ByteBuffer lendApp(int size) {
        return lend(APP, size);
    }

    /** Takes back the decrypted-data buffer (possibly a bigger replacement the borrower made). */
    static void returnApp(ByteBuffer buffer) {
        LOCAL.get()[APP] = buffer;
    }

    /** A cleared buffer of at least {@code size} bytes for records; null when already lent. */
    static ByteBuffer lendRecords(int size) {
        return lend(RECORDS, size);
    }

    /** Takes back the records buffer. */
    static void returnRecords(ByteBuffer buffer) {
        LOCAL.get()[RECORDS] = buffer;
    }

    private static ByteBuffer lend(int slot, int size) {
        ByteBuffer[] slots = LOCAL.get();
        ByteBuffer b = slots[slot];
        if (b == null) {
            return null;
        }
        slots[slot] = null;
        return b.capacity() < size ? ByteBuffer.allocate(size) : b.clear();
    }
}
