package io.magnetar.clients;

import io.magnetar.clients.internal.IdleConnections;
import io.magnetar.clients.internal.LivePools;
import io.magnetar.clients.internal.PoolCore;
import io.magnetar.clients.internal.PoolEntry;
import io.magnetar.clients.internal.PoolMetrics;
import io.magnetar.protocols.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A bounded pool of client {@link Connection}s (pulsar's {@code Pool}): at most {@link #poolSize()}
 * connections exist at once, counting those {@link #inUse()}, those {@link #available()} (idle) and
 * those being made. {@link #acquire()} lends one as a {@link PoolConnection}, whose {@code close()}
 * gives it back and whose {@code detach()} takes it out of the pool.
 *
 * <p>Rules: a connection found closed, older than {@code maxLifetime} or idle longer than
 * {@code maxIdleTime} is closed and never handed out, on acquire and on release alike; a background
 * evictor closes such idle connections too, and one the peer closes while idle leaves at once. Idle
 * connections are reused LIFO by default (so that surplus ones age out), FIFO on request. Waiting
 * acquires are served first come, first served; the acquire timeout covers that wait, never the
 * connect; at most {@code maxPending} may wait, and more are refused at once. Every way an acquire
 * ends (success, discard, timeout, cancel, connect failure) gives its slot back.
 *
 * <p>Thread-safe: one lock guards the state and is held only for bookkeeping; connects, closes and
 * future completions run after it is released. Acquire futures complete on the thread that freed
 * a connection, on the loop that finished a connect, or on the pool's timer thread. The connections
 * themselves stay confined to their event loops.
 */
public final class Pool {

    /** Which idle connection an acquire gets. */
    public enum Order {
        /** The most recently released: surplus connections stay idle and are evicted. */
        LIFO,
        /** The longest idle: spreads use over all connections, so none ever counts as idle. */
        FIFO
    }

    private final String name;
    private final PoolCore<PoolConnection> core;
    /** How the bundle's metrics component sees this pool while it is open. */
    private final LivePools.Entry live;

    Pool(PoolBuilder b) {
        this.name = b.name != null ? b.name : "pool@" + Integer.toHexString(System.identityHashCode(this));
        IdleConnections idle = new IdleConnections(
                b.order == Order.LIFO,
                b.maxIdleTime == null ? 0 : b.maxIdleTime.toNanos(),
                b.maxLifetime == null ? 0 : b.maxLifetime.toNanos(),
                b.clock);
        this.core = new PoolCore<>(
                name,
                b.creator,
                b.poolSize,
                b.maxPending,
                b.acquireTimeout == null ? 0 : b.acquireTimeout.toNanos(),
                idle,
                b.evictionIntervalNanos(),
                new PoolCore.Leases<>() {
                    @Override
                    public PoolConnection lease(PoolEntry entry) {
                        return new PoolConnection(Pool.this, entry);
                    }

                    @Override
                    public void giveBack(PoolConnection lease) {
                        lease.close();
                    }
                });
        PoolMetrics metrics = new PoolMetrics(name, this::stats);
        this.live = new LivePools.Entry() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PoolMetrics metrics() {
                return metrics;
            }
        };
        LivePools.add(live);
    }

    /** A builder of a pool whose connections come from {@code creator} (for instance {@code client::connect}). */
    public static PoolBuilder builder(Supplier<? extends CompletableFuture<? extends Connection>> creator) {
        return new PoolBuilder(creator);
    }

    /**
     * Lends a connection (pulsar's {@code connect()}): an idle usable one, else a new one while the
     * pool has room, else the next one freed. Fails with {@link AcquireTimeoutException} when none is
     * freed within the acquire timeout, {@link PendingAcquireLimitException} (at once) when too many
     * acquires wait, {@link PoolClosedException} once closed, or with the connect error. Cancelling
     * the future gives the slot back. The caller must {@link PoolConnection#close() close} the lease.
     */
    public CompletableFuture<PoolConnection> acquire() {
        return core.acquire();
    }

    void release(PoolConnection lease, PoolEntry entry, boolean detach) {
        core.release(entry, lease.hasRequestInFlight(), detach);
    }

    /** Runs the evictor now, on the calling thread (tests drive it with their own clock). */
    void evictNow() {
        core.evictNow();
    }

    /**
     * Closes idle connections now, fails waiting acquires with {@link PoolClosedException}, and closes
     * connections in use when they are released. Completes once the pool holds no connection; stops
     * the pool's timer thread. Later calls return the same future.
     */
    public CompletableFuture<Void> close() {
        LivePools.remove(live);
        return core.close();
    }

    public String name() {
        return name;
    }

    /** The most connections this pool holds at once. */
    public int poolSize() {
        return core.stats().poolSize();
    }

    /** Connections lent out now. */
    public int inUse() {
        return core.stats().inUse();
    }

    /** Idle connections now. */
    public int available() {
        return core.stats().available();
    }

    /** Acquires waiting now. */
    public int pending() {
        return core.stats().pending();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** All gauges and counters, taken together so that they agree with each other. */
    public PoolStats stats() {
        return core.stats();
    }

    @Override
    public String toString() {
        return "Pool[" + name + "]";
    }
}
