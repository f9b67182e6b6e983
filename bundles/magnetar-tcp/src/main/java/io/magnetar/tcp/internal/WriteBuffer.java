package io.magnetar.tcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The queue of buffers a stream transport still has to write, flushed with gathering writes.
 *
 * <p>Confined to its transport's event loop.
 */
public final class WriteBuffer {

    /** Buffers per gathering write; Linux caps iovecs at 1024, smaller batches keep the copy cheap. */
    private static final int MAX_BATCH = 64;

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final ByteBuffer[] batch = new ByteBuffer[MAX_BATCH];
    private long size;

    public void add(ByteBuffer data) {
        queue.addLast(data);
        size += data.remaining();
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Bytes queued. */
    public long size() {
        return size;
    }

    public void clear() {
        queue.clear();
        size = 0;
    }

    /**
     * Writes until the queue is empty or the channel takes no more; returns the bytes written.
     */
    public long flushTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (!queue.isEmpty()) {
            int n = 0;
            long wanted = 0;
            for (ByteBuffer b : queue) {
                if (n == MAX_BATCH) {
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
            while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
                queue.pollFirst();
            }
            if (written < wanted) {
                break; // the socket send buffer is full
            }
        }
        return total;
    }
}
