package io.magnetar.clients;

import io.magnetar.protocols.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Builds a {@link Pool}; get one from {@link Pool#builder}.
 *
 * <p>Not thread-safe.
 */
public final class PoolBuilder {

    final Supplier<? extends CompletableFuture<? extends Connection>> creator;
    String name;
    int poolSize = 10;
    int maxPending = 1024;
    Duration acquireTimeout = Duration.ofSeconds(30);
    Duration maxIdleTime;
    Duration maxLifetime;
    Duration evictionInterval;
    Pool.Order order = Pool.Order.LIFO;
    LongSupplier clock = System::nanoTime;

    PoolBuilder(Supplier<? extends CompletableFuture<? extends Connection>> creator) {
        this.creator = Objects.requireNonNull(creator, "creator");
    }

    /** A name for messages and the timer thread. */
    public PoolBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The most connections at once (default 10). */
    public PoolBuilder poolSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1: " + size);
        }
        this.poolSize = size;
        return this;
    }

    /** The most acquires that may wait (default 1024); {@code 0} refuses whenever the pool is full. */
    public PoolBuilder maxPending(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxPending must not be negative: " + max);
        }
        this.maxPending = max;
        return this;
    }

    /** How long an acquire may wait for a free connection (default 30 s); {@code null} waits forever. */
    public PoolBuilder acquireTimeout(Duration timeout) {
        this.acquireTimeout = positiveOrNull(timeout, "acquireTimeout");
        return this;
    }

    /**
     * Idle connections older than this are closed (default: never). Keep it below the server's
     * keep-alive, so that the pool closes a connection before the server does.
     */
    public PoolBuilder maxIdleTime(Duration time) {
        this.maxIdleTime = positiveOrNull(time, "maxIdleTime");
        return this;
    }

    /** Connections older than this are closed when idle or released (default: never). */
    public PoolBuilder maxLifetime(Duration time) {
        this.maxLifetime = positiveOrNull(time, "maxLifetime");
        return this;
    }

    /** How often the evictor looks (default: half the shortest of maxIdleTime and maxLifetime). */
    public PoolBuilder evictionInterval(Duration interval) {
        this.evictionInterval = positiveOrNull(interval, "evictionInterval");
        return this;
    }

    /** Which idle connection is reused first (default {@link Pool.Order#LIFO}). */
    public PoolBuilder order(Pool.Order order) {
        this.order = Objects.requireNonNull(order, "order");
        return this;
    }

    /** The clock of idle and lifetime limits, in nanoseconds; tests pass their own. */
    PoolBuilder clock(LongSupplier nanoClock) {
        this.clock = Objects.requireNonNull(nanoClock, "clock");
        return this;
    }

    private static Duration positiveOrNull(Duration d, String what) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    /** Without an explicit interval the evictor looks twice per shortest limit, at most every 10 ms. */
    long evictionIntervalNanos() {
        if (evictionInterval != null) {
            return evictionInterval.toNanos();
        }
        long shortest = Math.min(
                maxIdleTime == null ? Long.MAX_VALUE : maxIdleTime.toNanos(),
                maxLifetime == null ? Long.MAX_VALUE : maxLifetime.toNanos());
        return shortest == Long.MAX_VALUE ? 0 : Math.max(shortest / 2, TimeUnit.MILLISECONDS.toNanos(10));
    }

    public Pool build() {
        return new Pool(this);
    }
}
