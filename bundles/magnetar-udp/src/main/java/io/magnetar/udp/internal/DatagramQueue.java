package io.magnetar.udp.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * The datagrams a transport could not hand to its socket yet, in order, each with its destination.
 * Sizes count the payload plus a UDP header, so that a queue of empty datagrams still grows.
 *
 * <p>Confined to its transport's event loop.
 */
public final class DatagramQueue {

    /** Bytes of a UDP header, counted per queued datagram. */
    public static final int HEADER = 8;

    /** Hands one datagram to the socket. */
    @FunctionalInterface
    public interface Sender {
        /** True when the socket took the datagram; false when it has no room now (EAGAIN). */
        boolean send(ByteBuffer data, SocketAddress target) throws IOException;
    }

    private record Entry(ByteBuffer data, SocketAddress target) {}

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long size;

    public void add(ByteBuffer data, SocketAddress target) {
        queue.addLast(new Entry(data, target));
        size += data.remaining() + HEADER;
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Bytes queued, headers included. */
    public long size() {
        return size;
    }

    /** Number of datagrams queued. */
    public int count() {
        return queue.size();
    }

    public void clear() {
        queue.clear();
        size = 0;
    }

    /**
     * Sends queued datagrams in order until the queue is empty or the socket has no room. A datagram
     * whose send fails is dropped and reported to {@code failed} (UDP semantics: the rest still go);
     * {@code failed} may clear the queue, which ends the flush.
     *
     * @return the number of datagrams the socket took
     */
    public int flush(Sender sender, BiConsumer<Exception, ByteBuffer> failed) {
        int sent = 0;
        Entry e;
        while ((e = queue.peekFirst()) != null) {
            int bytes = e.data.remaining() + HEADER;
            boolean taken;
            try {
                taken = sender.send(e.data, e.target);
            } catch (IOException | RuntimeException error) {
                dropFirst(bytes);
                failed.accept(error, e.data);
                continue;
            }
            if (!taken) {
                break;
            }
            dropFirst(bytes);
            sent++;
        }
        return sent;
    }

    private void dropFirst(int bytes) {
        // The failure callback may have cleared the queue already.
        if (queue.pollFirst() != null) {
            size -= bytes;
        }
    }
}
