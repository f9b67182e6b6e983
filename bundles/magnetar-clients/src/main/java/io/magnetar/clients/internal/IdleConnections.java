package io.magnetar.clients.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A pool's idle connections in reuse order, and the rules that say whether one may still be used:
 * open, younger than the maximum lifetime, idle for less than the maximum idle time.
 *
 * <p>Not thread-safe: guarded by the owning pool's lock.
 */
public final class IdleConnections {

    private final ArrayDeque<PoolEntry> deque = new ArrayDeque<>();
    private final boolean lifo;
    private final long maxIdleNanos;
    private final long maxLifetimeNanos;
    private final LongSupplier clock;

    /**
     * @param lifo             reuse the most recently parked first (else the longest idle)
     * @param maxIdleNanos     idle limit, 0 for none
     * @param maxLifetimeNanos age limit, 0 for none
     * @param clock            nanosecond clock of both limits
     */
    public IdleConnections(boolean lifo, long maxIdleNanos, long maxLifetimeNanos, LongSupplier clock) {
        this.lifo = lifo;
        this.maxIdleNanos = maxIdleNanos;
        this.maxLifetimeNanos = maxLifetimeNanos;
        this.clock = clock;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** True when {@code e} may be handed out or parked: open and within the limits. */
    public boolean usable(PoolEntry e, long now) {
        return !e.connection().isClosed()
                && (maxLifetimeNanos == 0 || now - e.createdAt() < maxLifetimeNanos)
                && (e.state() != PoolEntry.State.IDLE || maxIdleNanos == 0 || now - e.idleSince() < maxIdleNanos);
    }

    /** Removes and returns the next usable entry, or {@code null}; unusable ones met on the way go to {@code unusable}. */
    public PoolEntry poll(Consumer<PoolEntry> unusable) {
        long now = now();
        for (PoolEntry e = deque.pollFirst(); e != null; e = deque.pollFirst()) {
            if (usable(e, now)) {
                return e;
            }
            unusable.accept(e);
        }
        return null;
    }

    /** Parks {@code e} as idle from now. */
    public void park(PoolEntry e) {
        e.parked(now());
        if (lifo) {
            deque.addFirst(e);
        } else {
            deque.addLast(e);
        }
    }

    public boolean remove(PoolEntry e) {
        return deque.remove(e);
    }

    /** Removes every unusable entry, handing each to {@code unusable}; returns how many. */
    public int evict(Consumer<PoolEntry> unusable) {
        long now = now();
        int n = 0;
        for (Iterator<PoolEntry> it = deque.iterator(); it.hasNext(); ) {
            PoolEntry e = it.next();
            if (!usable(e, now)) {
                it.remove();
                unusable.accept(e);
                n++;
            }
        }
        return n;
    }

    /** Removes and returns all entries. */
    public List<PoolEntry> clear() {
        List<PoolEntry> all = new ArrayList<>(deque);
        deque.clear();
        return all;
    }

    public int size() {
        return deque.size();
    }
}
