package io.magnetar.tls.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code sendFile} over TLS: a file cannot go to the socket untouched, so it is read and encrypted one
 * 64 KiB chunk at a time, only while the plain transport's buffer is under its high-water mark, and the
 * rest waits for {@link #pump()} (called when the plain transport resumes writing). Writes made while a
 * file waits queue behind it, so order is kept; so do close and writeEof ({@link #whenDrained}).
 *
 * <p>Confined to the connection's event loop.
 */
final class FileSender {

    private static final int CHUNK = 64 * 1024;

    /** A file region being sent: {@code position} and {@code remaining} advance as its chunks go out. */
    private static final class FileJob {
        final FileChannel file;
        final long count;
        final CompletableFuture<Long> done;
        long position;
        long remaining;

        FileJob(FileChannel file, long position, long count, CompletableFuture<Long> done) {
            this.file = file;
            this.count = count;
            this.done = done;
            this.position = position;
            this.remaining = count;
        }
    }

    private final Consumer<ByteBuffer> encrypt;
    private final LongSupplier buffered;
    private final LongSupplier highWater;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private ByteBuffer chunk;
    private Runnable afterDrain;

    /**
     * @param encrypt encrypts and writes a buffer at once (the caller's bytes are copied into records)
     * @param buffered the plain transport's write buffer size
     * @param highWater the plain transport's high-water mark
     */
    FileSender(Consumer<ByteBuffer> encrypt, LongSupplier buffered, LongSupplier highWater) {
        this.encrypt = encrypt;
        this.buffered = buffered;
        this.highWater = highWater;
    }

    boolean isIdle() {
        return queue.isEmpty();
    }

    void addFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        queue.addLast(new FileJob(file, position, count, done));
        pump();
    }

    /** A write made while a file waits: kept (owned by us) until the file before it is sent. */
    void addWrite(ByteBuffer data) {
        queue.addLast(data);
    }

    /** Runs {@code action} (close, writeEof) once everything queued is sent; at once when nothing is. */
    void whenDrained(Runnable action) {
        if (queue.isEmpty()) {
            action.run();
        } else {
            afterDrain = action;
        }
    }

    /** Sends what may be sent now. */
    void pump() {
        while (!queue.isEmpty() && buffered.getAsLong() <= highWater.getAsLong()) {
            Object head = queue.peekFirst();
            if (head instanceof ByteBuffer b) {
                queue.pollFirst();
                encrypt.accept(b);
                continue;
            }
            FileJob job = (FileJob) head;
            if (!sendChunk(job)) {
                return;
            }
        }
        if (queue.isEmpty() && afterDrain != null) {
            Runnable action = afterDrain;
            afterDrain = null;
            action.run();
        }
    }

    private boolean sendChunk(FileJob job) {
        if (chunk == null) {
            chunk = ByteBuffer.allocate(CHUNK);
        }
        chunk.clear();
        chunk.limit((int) Math.min(CHUNK, job.remaining));
        int n;
        try {
            n = job.file.read(chunk, job.position);
        } catch (IOException e) {
            queue.pollFirst();
            job.done.completeExceptionally(e);
            return true;
        }
        if (n <= 0) {
            queue.pollFirst();
            job.done.completeExceptionally(
                    new EOFException("the file ended " + job.remaining + " bytes before its region"));
            return true;
        }
        chunk.flip();
        encrypt.accept(chunk);
        job.position += n;
        job.remaining -= n;
        if (job.remaining == 0) {
            queue.pollFirst();
            chunk = null; // an idle connection keeps no chunk
            job.done.complete(job.count);
        }
        return true;
    }

    /** The connection ended: files still waiting fail. */
    void fail(IOException cause) {
        for (Object o : queue) {
            if (o instanceof FileJob j) {
                j.done.completeExceptionally(cause);
            }
        }
        queue.clear();
        afterDrain = null;
        chunk = null;
    }
}
