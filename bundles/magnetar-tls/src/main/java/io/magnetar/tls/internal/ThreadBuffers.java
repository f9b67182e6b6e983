package io.magnetar.tls.internal;

import java.nio.ByteBuffer;

/**
 * The two large buffers a TLS connection needs only while it works — decrypted bytes on their way to the
 * application, records on their way to the socket — shared by every connection of one thread (an event loop),
 * so that an idle connection holds neither: only its engine's own state. A connection borrows a buffer for
 * one call and gives it back before returning; one that finds it borrowed (a connection working inside
 * another's callback on the same thread) uses a buffer of its own for that call.
 *
 * <p>Confined to its thread (a {@link ThreadLocal}).
 */
final class ThreadBuffers {

    private static final ThreadLocal<ThreadBuffers> LOCAL = ThreadLocal.withInitial(ThreadBuffers::new);

    private ByteBuffer app;
    private boolean appLent;
    private ByteBuffer records;
    private boolean recordsLent;

    private ThreadBuffers() {}

    static ThreadBuffers get() {
        return LOCAL.get();
    }

    /** A cleared buffer of at least {@code size} bytes for decrypted data; null when already lent. */
    ByteBuffer lendApp(int size) {
        if (appLent) {
            return null;
        }
        if (app == null || app.capacity() < size) {
            app = ByteBuffer.allocate(size);
        }
        appLent = true;
        return app.clear();
    }

    /** Takes back the decrypted-data buffer (possibly a bigger replacement the borrower made). */
    void returnApp(ByteBuffer buffer) {
        app = buffer;
        appLent = false;
    }

    /** A cleared buffer of at least {@code size} bytes for records; null when already lent. */
    ByteBuffer lendRecords(int size) {
        if (recordsLent) {
            return null;
        }
        if (records == null || records.capacity() < size) {
            records = ByteBuffer.allocate(size);
        }
        recordsLent = true;
        return records.clear();
    }

    void returnRecords() {
        recordsLent = false;
    }
}
