package io.magnetar.clients.internal;

import io.magnetar.clients.AcquireTimeoutException;
import io.magnetar.clients.PendingAcquireLimitException;
import io.magnetar.clients.PoolClosedException;
import io.magnetar.clients.PoolStats;
import io.magnetar.protocols.Connection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The state machine behind {@code io.magnetar.clients.Pool}: slots, idle connections, waiting
 * acquires, counters. See that class for the rules.
 *
 * <p>Thread-safe: one lock guards the mutable fields and is held only for bookkeeping; work that runs
 * foreign code (connects, closes, completing futures) is collected in an {@link AfterUnlock} and done
 * after the lock is released, so no callback ever runs under it and no lock order exists to get wrong.
 *
 * @param <L> the lease type handed to acquirers
 */
public final class PoolCore<L> {

    private static final System.Logger LOG = System.getLogger(PoolCore.class.getName());

    /** How the core makes leases and takes them back; the public pool implements it. */
    public interface Leases<L> {
        /** A lease of {@code entry}, just taken out of the pool. */
        L lease(PoolEntry entry);

        /** Releases a lease whose acquirer gave up before receiving it. */
        void giveBack(L lease);
    }

    private final String name;
    private final Supplier<? extends CompletableFuture<? extends Connection>> creator;
    private final int poolSize;
    private final int maxPending;
    private final long acquireTimeoutNanos;
    private final Leases<L> leases;
    /** Acquire timeouts and the evictor; {@code null} when neither is configured. Closed with the pool. */
    private final PoolTimer timer;

    private final ReentrantLock lock = new ReentrantLock();
    private final IdleConnections idle;
    private final Waiters<L> pending;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private int inUse;
    private int connecting;
    /** Connections made and neither lost nor detached: close() completes when none is left. */
    private int live;
    /** Written under the lock; volatile for {@link #isClosed()}. */
    private volatile boolean closed;

    private long created;
    private long closedCount;
    private long acquired;
    private long timedOut;
    private long rejected;
    private long connectFailed;
    private long evicted;
    private long detached;

    /**
     * @param acquireTimeoutNanos how long an acquire may wait, 0 for ever
     * @param evictEveryNanos     evictor period, 0 for no evictor
     */
    public PoolCore(
            String name,
            Supplier<? extends CompletableFuture<? extends Connection>> creator,
            int poolSize,
            int maxPending,
            long acquireTimeoutNanos,
            IdleConnections idle,
            long evictEveryNanos,
            Leases<L> leases) {
        this.name = name;
        this.creator = creator;
        this.poolSize = poolSize;
        this.maxPending = maxPending;
        this.acquireTimeoutNanos = acquireTimeoutNanos;
        this.idle = idle;
        this.leases = leases;
        this.timer = acquireTimeoutNanos > 0 || evictEveryNanos > 0 ? new PoolTimer("magnetar-pool-" + name) : null;
        this.pending = new Waiters<>(timer, acquireTimeoutNanos);
        if (evictEveryNanos > 0) {
            timer.every(this::evict, evictEveryNanos);
        }
    }

    /** See {@code Pool.acquire()}. */
    // result goes back to the acquirer, who gets its failure; the callback only takes the waiter out of the queue.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<L> acquire() {
        CompletableFuture<L> result = new CompletableFuture<>();
        AfterUnlock after = new AfterUnlock();
        L lease = null;
        RuntimeException refusal = null;
        PendingAcquire<L> waiter = null;
        boolean connect = false;
        lock.lock();
        try {
            if (closed) {
                refusal = closedError();
            } else if ((lease = takeIdle(after)) == null) {
                if (hasFreeSlot()) {
                    connecting++;
                    connect = true;
                } else if (pending.size() >= maxPending) {
                    rejected++;
                    refusal = new PendingAcquireLimitException("pool '" + name + "' refused an acquire: " + maxPending
                            + " acquires already wait (" + describe() + ")");
                } else {
                    waiter = pending.add(result, this::timeout);
                }
            }
        } finally {
            lock.unlock();
        }
        after.run();
        if (refusal != null) {
            result.completeExceptionally(refusal);
        } else if (lease != null) {
            handOver(result, lease);
        } else if (connect) {
            connect(result);
        } else {
            PendingAcquire<L> w = waiter;
            // Cancelled or failed by the caller (or by us, harmlessly): the waiter must leave the queue.
            result.whenComplete((c, e) -> {
                if (e != null) {
                    abandon(w);
                }
            });
        }
        return result;
    }

    private void timeout(PendingAcquire<L> w) {
        String message = null;
        lock.lock();
        try {
            if (pending.remove(w)) {
                timedOut++;
                message = "no connection of pool '" + name + "' became free within "
                        + TimeUnit.NANOSECONDS.toMillis(acquireTimeoutNanos) + " ms (" + describe() + ")";
            }
        } finally {
            lock.unlock();
        }
        if (message != null) {
            w.result().completeExceptionally(new AcquireTimeoutException(message));
        }
    }

    private void abandon(PendingAcquire<L> w) {
        lock.lock();
        try {
            pending.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the next usable idle connection, leased; unusable ones met are discarded. */
    private L takeIdle(AfterUnlock after) {
        PoolEntry e = idle.poll(unusable -> discard(unusable, after));
        if (e == null) {
            return null;
        }
        e.leased();
        inUse++;
        acquired++;
        return leases.lease(e);
    }

    private void discard(PoolEntry e, AfterUnlock after) {
        e.gone();
        closedCount++;
        after.add(e.connection()::close);
    }

    private boolean hasFreeSlot() {
        return idle.size() + inUse + connecting < poolSize;
    }

    // connected() hands a failed connect to the acquirer's result.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void connect(CompletableFuture<L> result) {
        CompletableFuture<? extends Connection> attempt;
        try {
            attempt = Objects.requireNonNull(creator.get(), "the pool's creator returned null");
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((c, error) -> connected(result, c, error));
    }

    // connectionLost never completes exceptionally; lost() does the bookkeeping on either outcome.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void connected(CompletableFuture<L> result, Connection c, Throwable error) {
        AfterUnlock after = new AfterUnlock();
        PoolEntry entry = null;
        L lease = null;
        Throwable refusal = null;
        lock.lock();
        try {
            connecting--;
            if (error != null) {
                connectFailed++;
            } else {
                created++;
                live++;
                entry = new PoolEntry(c, idle.now());
                if (closed) {
                    discard(entry, after);
                    refusal = closedError();
                } else if (c.isClosed()) {
                    // Accepted and dropped at once (a server over its connection limit): never hand it out.
                    discard(entry, after);
                    refusal = new IOException("pool '" + name + "': the new connection " + c + " was closed at once");
                } else {
                    inUse++;
                    acquired++;
                    lease = leases.lease(entry);
                }
            }
            // A failed connect frees its slot: the next waiter may try its own.
            serveWaiters(after);
            checkTerminated(after);
        } finally {
            lock.unlock();
        }
        if (entry != null) {
            PoolEntry e = entry;
            c.connectionLost().whenComplete((v, t) -> lost(e));
        }
        after.run();
        if (error != null) {
            result.completeExceptionally(
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        } else if (refusal != null) {
            result.completeExceptionally(refusal);
        } else {
            handOver(result, lease);
        }
    }

    private void handOver(CompletableFuture<L> result, L lease) {
        if (!result.complete(lease)) {
            // The acquirer gave up (cancelled, or its own orTimeout fired) meanwhile: the slot comes back.
            leases.giveBack(lease);
        }
    }

    /**
     * Takes back the connection of a lease, once per lease: keeps it idle if usable, else closes it;
     * {@code detach} hands it to the borrower for good. {@code requestInFlight}: a reply is still on
     * its way, which would reach the next borrower, so the connection is closed.
     */
    public void release(PoolEntry e, boolean requestInFlight, boolean detach) {
        AfterUnlock after = new AfterUnlock();
        lock.lock();
        try {
            inUse--;
            if (detach) {
                e.detach();
                detached++;
                if (!e.isLost()) {
                    live--;
                }
            } else if (closed || requestInFlight || !idle.usable(e, idle.now())) {
                discard(e, after);
            } else {
                idle.park(e);
            }
            serveWaiters(after);
            checkTerminated(after);
        } finally {
            lock.unlock();
        }
        after.run();
    }

    private void lost(PoolEntry e) {
        AfterUnlock after = new AfterUnlock();
        lock.lock();
        try {
            e.lost();
            if (!e.isDetached()) {
                live--;
            }
            if (e.state() == PoolEntry.State.IDLE && idle.remove(e)) {
                // Closed by the peer while idle: out at once, so that available() never counts it.
                e.gone();
                closedCount++;
                serveWaiters(after);
            }
            checkTerminated(after);
        } finally {
            lock.unlock();
        }
        after.run();
    }

    /** Under the lock: gives waiters idle connections, or free slots to connect in, while there are any. */
    private void serveWaiters(AfterUnlock after) {
        while (!pending.isEmpty()) {
            L lease = takeIdle(after);
            if (lease == null && !hasFreeSlot()) {
                return;
            }
            PendingAcquire<L> w = pending.poll();
            if (lease != null) {
                after.add(() -> handOver(w.result(), lease));
            } else {
                connecting++;
                after.add(() -> connect(w.result()));
            }
        }
    }

    private void checkTerminated(AfterUnlock after) {
        if (closed && inUse == 0 && connecting == 0 && live == 0 && !terminated.isDone()) {
            after.add(() -> terminated.complete(null));
        }
    }

    private void evict() {
        AfterUnlock after = new AfterUnlock();
        lock.lock();
        try {
            evicted += idle.evict(e -> discard(e, after));
            serveWaiters(after);
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log and keep evicting.
            LOG.log(Level.WARNING, "evictor of pool '" + name + "' failed", e);
        } finally {
            lock.unlock();
        }
        after.run();
    }

    /** Runs the evictor now, on the calling thread (tests drive it with their own clock). */
    public void evictNow() {
        evict();
    }

    /** See {@code Pool.close()}. */
    public CompletableFuture<Void> close() {
        AfterUnlock after = new AfterUnlock();
        List<PendingAcquire<L>> waiters;
        lock.lock();
        try {
            if (closed) {
                return terminated;
            }
            closed = true;
            idle.clear().forEach(e -> discard(e, after));
            waiters = pending.clear();
            checkTerminated(after);
        } finally {
            lock.unlock();
        }
        if (timer != null) {
            timer.close();
        }
        after.run();
        PoolClosedException error = closedError();
        waiters.forEach(w -> w.result().completeExceptionally(error));
        return terminated;
    }

    private PoolClosedException closedError() {
        return new PoolClosedException("pool '" + name + "' is closed");
    }

    /** Under the lock: the state, for error messages. */
    private String describe() {
        return poolSize + " connections: " + inUse + " in use, " + idle.size() + " idle, " + connecting
                + " connecting, " + pending.size() + " acquires waiting";
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** All gauges and counters, consistent with each other. */
    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(
                    poolSize,
                    inUse,
                    idle.size(),
                    connecting,
                    pending.size(),
                    created,
                    closedCount,
                    acquired,
                    timedOut,
                    rejected,
                    connectFailed,
                    evicted,
                    detached);
        } finally {
            lock.unlock();
        }
    }
}
