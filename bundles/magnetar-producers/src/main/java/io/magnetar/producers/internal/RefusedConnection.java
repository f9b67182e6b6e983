package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The protocol given to a connection over the server's limit: it closes the connection at once. Refusals
 * are counted by the server ({@code connections_refused_total}); the log says so at most once per 10 s,
 * with how many there were, since clients decide how many there are.
 *
 * <p>Confined to its connection's loop; the rate limit is shared, thread-safe.
 */
public final class RefusedConnection implements Protocol {

    private static final System.Logger LOG = System.getLogger(RefusedConnection.class.getName());
    private static final long REPORT_EVERY_NANOS = 10_000_000_000L;
    private static final AtomicLong NEXT_REPORT = new AtomicLong(System.nanoTime());
    private static final AtomicLong UNREPORTED = new AtomicLong();

    private final int limit;

    public RefusedConnection(int limit) {
        this.limit = limit;
    }

    @Override
    public void connectionMade(StreamTransport transport) {
        long refused = UNREPORTED.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_REPORT.get();
        if (now - next >= 0 && NEXT_REPORT.compareAndSet(next, now + REPORT_EVERY_NANOS)) {
            UNREPORTED.addAndGet(-refused);
            LOG.log(
                    Level.WARNING,
                    "refused {0} connection(s) in the last 10 s: {1} concurrent connections reached (last from {2})",
                    refused,
                    limit,
                    transport.extraInfo(StreamTransport.PEERNAME));
        } else {
            LOG.log(
                    Level.DEBUG,
                    "refusing {0}: {1} concurrent connections reached",
                    transport.extraInfo(StreamTransport.PEERNAME),
                    limit);
        }
        transport.abort();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // closed already
    }

    @Override
    public void connectionLost(Throwable cause) {
        // nothing was counted for this connection
    }
}
