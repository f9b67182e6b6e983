package io.magnetar.clients;

import io.magnetar.clients.internal.PoolEntry;
import io.magnetar.protocols.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection lent by a {@link Pool} (pulsar's {@code PoolConnection}). {@link #close()} gives it
 * back; {@link #detach()} takes it out of the pool for good. Use it in try-with-resources or release
 * it when the exchange's future completes: nothing releases a forgotten lease (no finalizer).
 *
 * <p>Thread-safe: {@link #close()} and {@link #detach()} may be called from any thread, and only the
 * first call counts. The {@link #connection()} itself stays confined to its event loop, except its
 * thread-safe {@code request}, {@code write} and {@code close}.
 */
public final class PoolConnection implements AutoCloseable {

    private final Pool pool;
    private final PoolEntry entry;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile CompletableFuture<Object> lastRequest;

    PoolConnection(Pool pool, PoolEntry entry) {
        this.pool = pool;
        this.entry = entry;
    }

    /** The borrowed connection; do not use it after {@link #close()}. */
    public Connection connection() {
        return entry.connection();
    }

    /**
     * Starts an exchange on the borrowed connection ({@link Connection#request(Object)}). The pool
     * remembers it: a lease released before this future completed has its connection closed, since
     * the reply would otherwise reach the next borrower.
     */
    public CompletableFuture<Object> request(Object request) {
        if (released.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("request on a released " + this));
        }
        CompletableFuture<Object> f = entry.connection().request(request);
        lastRequest = f;
        return f;
    }

    boolean hasRequestInFlight() {
        CompletableFuture<Object> f = lastRequest;
        return f != null && !f.isDone();
    }

    /**
     * Gives the connection back to the pool, which keeps it if it is still usable and closes it
     * otherwise (pulsar's {@code PoolConnection.close}). Later calls do nothing.
     */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            pool.release(this, entry, false);
        }
    }

    /**
     * Takes the connection out of the pool, freeing its slot: the caller now owns it and closes it
     * (pulsar's {@code detach}, for instance after an upgrade to another protocol).
     *
     * @throws IllegalStateException when the lease was released already
     */
    public Connection detach() {
        if (!released.compareAndSet(false, true)) {
            throw new IllegalStateException(this + " was released already");
        }
        pool.release(this, entry, true);
        return entry.connection();
    }

    /** True once {@link #close()} or {@link #detach()} was called. */
    public boolean isReleased() {
        return released.get();
    }

    /** The pool this lease came from. */
    public Pool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "PoolConnection[" + pool.name() + ", " + entry.connection() + "]";
    }
}
