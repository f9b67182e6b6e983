package io.magnetar.producers.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The sessions of one server: the open ones, the count of connections held against the server's limit,
 * the refusals, and the totals closed sessions leave behind, so the server's metrics outlive its
 * connections.
 *
 * <p>Thread-safe: sessions come and go on their loops while metrics scrapes and the server's close read
 * from any thread.
 */
public final class ServerSessions {

    private final Set<ServerSession> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    /** Totals of closed connections; open ones are summed at each read (see {@link #bytesReceived()}). */
    private final AtomicLong closedBytesReceived = new AtomicLong();

    private final AtomicLong closedBytesSent = new AtomicLong();
    private final AtomicLong closedWritePauses = new AtomicLong();
    private final AtomicLong closedRequests = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    /** The largest sums reported: a connection moving from open to closed during a read must not make a total drop. */
    private final AtomicLong reportedReceived = new AtomicLong();

    private final AtomicLong reportedSent = new AtomicLong();
    private final AtomicLong reportedPauses = new AtomicLong();
    private final AtomicLong reportedRequests = new AtomicLong();

    /**
     * Counts a new connection against {@code maxConnections} (0: no limit). Returns false, and counts a
     * refusal, when it is one too many: the limit is on connections open at once.
     */
    public boolean admit(int maxConnections) {
        int now = connections.incrementAndGet();
        if (maxConnections > 0 && now > maxConnections) {
            connections.decrementAndGet();
            refused.incrementAndGet();
            return false;
        }
        return true;
    }

    /** {@code session}'s connection is made: it is open until {@link #removed}. */
    public void added(ServerSession session) {
        open.add(session);
    }

    /** {@code session}'s connection is lost: its counts go to the totals, and its place under the limit is free. */
    public void removed(ServerSession session, Throwable cause) {
        closedBytesReceived.addAndGet(session.bytesReceived());
        closedBytesSent.addAndGet(session.bytesSent());
        closedWritePauses.addAndGet(session.writePauses());
        closedRequests.addAndGet(session.requestsProcessed());
        if (cause != null) {
            connectionErrors.incrementAndGet();
        }
        open.remove(session);
        connections.decrementAndGet();
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }

    /** Asks every open session to close once its exchange in progress has finished. */
    public void drainAll() {
        for (ServerSession s : open) {
            s.drain();
        }
    }

    /** Closes every open session now. */
    public void abortAll() {
        for (ServerSession s : open) {
            s.abort();
        }
    }

    /** Retires the open sessions made by a protocol factory older than {@code generation}. */
    public void retireBelow(int generation) {
        for (ServerSession s : open) {
            if (s.generation() < generation) {
                s.retire();
            }
        }
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    public long refused() {
        return refused.get();
    }

    public long connectionErrors() {
        return connectionErrors.get();
    }

    /** Closed sessions' bytes plus what open ones count now; costs a walk over the open sessions. */
    public long bytesReceived() {
        return sum(closedBytesReceived, ServerSession::bytesReceived, reportedReceived);
    }

    public long bytesSent() {
        return sum(closedBytesSent, ServerSession::bytesSent, reportedSent);
    }

    public long writePauses() {
        return sum(closedWritePauses, ServerSession::writePauses, reportedPauses);
    }

    public long requestsProcessed() {
        return sum(closedRequests, ServerSession::requestsProcessed, reportedRequests);
    }

    /** What closed connections left plus what open ones count now, never below a total reported before. */
    private long sum(AtomicLong closed, ToLongFunction<ServerSession> counter, AtomicLong reported) {
        long sum = closed.get();
        for (ServerSession s : open) {
            sum += counter.applyAsLong(s);
        }
        return reported.accumulateAndGet(sum, Math::max);
    }
}
