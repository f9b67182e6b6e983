package io.magnetar.tcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The queue of buffers (and file regions) a stream transport still has to write: consecutive buffers
 * are flushed with gathering writes, a file region with {@code FileChannel.transferTo} (sendfile).
 *
 * <p>Confined to its transport's event loop.
 */
public final class WriteBuffer {

    /** Part of a file still to send, and who waits for it. */
    private static final class FileRegion {
        final FileChannel file;
        long position;
        long remaining;
        final long count;
        final CompletableFuture<Long> done;

        FileRegion(FileChannel file, long position, long count, CompletableFuture<Long> done) {
            this.file = file;
            this.position = position;
            this.remaining = count;
            this.count = count;
            this.done = done;
        }
    }

    /** Buffers per gathering write; Linux caps iovecs at 1024, smaller batches keep the copy cheap. */
    private static final int MAX_BATCH = 64;

    /**
     * The array a gathering write is given, per loop thread: it is filled and emptied within one
     * {@link #flushTo} call, so an idle connection need not keep one.
     */
    private static final ThreadLocal<ByteBuffer[]> BATCH = ThreadLocal.withInitial(() -> new ByteBuffer[MAX_BATCH]);

    /**
     * ByteBuffers and FileRegions, in write order; null while nothing waits, which is most of the time (the
     * transport writes at once what the socket takes): an idle connection keeps no queue.
     */
    private ArrayDeque<Object> queue;

    private long size;

    private ArrayDeque<Object> queue() {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        return queue;
    }

    public void add(ByteBuffer data) {
        queue().addLast(data);
        size += data.remaining();
    }

    public boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    /** Bytes queued. */
    public long size() {
        return size;
    }

    /** Queues a file region; {@code done} completes when it is sent, or fails when the queue is cleared. */
    public void addFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        queue().addLast(new FileRegion(file, position, count, done));
        size += count;
    }

    /**
     * Drops everything; file regions still waiting fail with an {@link IOException}. Every closing
     * connection calls this, so the exception (and its stack trace) is made only when a region waits.
     */
    public void clear() {
        if (queue != null) {
            IOException cause = null;
            for (Object o : queue) {
                if (o instanceof FileRegion r) {
                    if (cause == null) {
                        cause = new IOException("the connection closed before the file was sent");
                    }
                    r.done.completeExceptionally(cause);
                }
            }
        }
        queue = null;
        size = 0;
    }

    /**
     * Writes until the queue is empty or the channel takes no more; returns the bytes written. A file
     * that ends before its region does fails that region's future and this call.
     */
    public long flushTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        ByteBuffer[] batch = BATCH.get();
        while (!isEmpty()) {
            if (queue.peekFirst() instanceof FileRegion r) {
                long sent = transfer(r, channel);
                total += sent;
                if (r.remaining > 0) {
                    break; // the socket send buffer is full
                }
                continue;
            }
            int n = 0;
            long wanted = 0;
            for (Object o : queue) {
                if (n == MAX_BATCH || !(o instanceof ByteBuffer b)) {
                    break;
                }
                batch[n++] = b;
                wanted += b.remaining();
            }
            long written;
            try {
                written = n == 1 ? channel.write(batch[0]) : channel.write(batch, 0, n);
            } finally {
                Arrays.fill(batch, 0, n, null);
            }
            total += written;
            size -= written;
            while (!queue.isEmpty() && queue.peekFirst() instanceof ByteBuffer b && !b.hasRemaining()) {
                queue.pollFirst();
            }
            if (written < wanted) {
                break; // the socket send buffer is full
            }
        }
        if (queue != null && queue.isEmpty()) {
            queue = null; // drained: let it go with whatever a burst made it grow to
        }
        return total;
    }

    private long transfer(FileRegion r, GatheringByteChannel channel) throws IOException {
        long sent = 0;
        while (r.remaining > 0) {
            long n = r.file.transferTo(r.position, r.remaining, (WritableByteChannel) channel);
            if (n == 0) {
                if (r.position >= r.file.size()) {
                    IOException e =
                            new java.io.EOFException("the file ended " + r.remaining + " bytes before its region");
                    queue.pollFirst();
                    size -= r.remaining;
                    r.done.completeExceptionally(e);
                    throw e;
                }
                break; // the socket takes no more now
            }
            r.position += n;
            r.remaining -= n;
            size -= n;
            sent += n;
        }
        if (r.remaining == 0) {
            queue.pollFirst();
            r.done.complete(r.count);
        }
        return sent;
    }
}
