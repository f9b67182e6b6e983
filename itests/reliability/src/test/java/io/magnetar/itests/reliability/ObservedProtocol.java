package io.magnetar.itests.reliability;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a server protocol and records what the transport told it and how full the transport's write
 * buffer got, so a test can check the contract from outside: {@code connectionLost} exactly once per
 * {@code connectionMade}, and the buffer bounded by the high-water mark.
 *
 * <p>Confined to its transport's event loop; the shared {@link Stats} are thread-safe.
 */
final class ObservedProtocol implements Protocol {

    /** Counters shared by every connection of one server. Thread-safe. */
    static final class Stats {
        final AtomicInteger made = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger lostTwice = new AtomicInteger();
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong maxWriteBuffer = new AtomicLong();
        final AtomicInteger highWater = new AtomicInteger();
        final List<Throwable> causes = new CopyOnWriteArrayList<>();

        int open() {
            return made.get() - lost.get();
        }
    }

    private final Protocol inner;
    private final Stats stats;
    private StreamTransport transport;
    private boolean lost;

    ObservedProtocol(Protocol inner, Stats stats) {
        this.inner = inner;
        this.stats = stats;
    }

    @Override
    public void connectionMade(StreamTransport t) {
        transport = t;
        stats.made.incrementAndGet();
        stats.highWater.set(t.writeBufferHighWater());
        inner.connectionMade(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        stats.reads.incrementAndGet();
        try {
            inner.dataReceived(data);
        } finally {
            stats.maxWriteBuffer.accumulateAndGet(transport.writeBufferSize(), Math::max);
        }
    }

    @Override
    public boolean eofReceived() {
        return inner.eofReceived();
    }

    @Override
    public void pauseWriting() {
        stats.pauses.incrementAndGet();
        stats.maxWriteBuffer.accumulateAndGet(transport.writeBufferSize(), Math::max);
        inner.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        inner.resumeWriting();
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (lost) {
            stats.lostTwice.incrementAndGet();
        }
        lost = true;
        if (cause != null) {
            stats.causes.add(cause);
        }
        stats.lost.incrementAndGet();
        inner.connectionLost(cause);
    }
}
