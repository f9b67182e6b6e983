package io.magnetar.protocol.resp.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a RESP server that {@code INFO} reports: connections now and ever, commands processed,
 * uptime. Connections add their command counts once per read, not once per command.
 *
 * <p>Thread-safe.
 */
public final class ServerStats {

    private final long startedNanos = System.nanoTime();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final LongAdder commands = new LongAdder();

    void connectionMade() {
        connected.incrementAndGet();
        received.incrementAndGet();
    }

    void connectionLost() {
        connected.decrementAndGet();
    }

    void commandsProcessed(int n) {
        if (n > 0) {
            commands.add(n);
        }
    }

    /** Connections open now. */
    public int connectedClients() {
        return connected.get();
    }

    /** Connections made since the start. */
    public long connectionsReceived() {
        return received.get();
    }

    /** Commands answered since the start, unknown and refused ones included. */
    public long commandsProcessed() {
        return commands.sum();
    }

    public long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }
}
