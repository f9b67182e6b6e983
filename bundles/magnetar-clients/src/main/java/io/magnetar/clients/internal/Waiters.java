package io.magnetar.clients.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A pool's waiting acquires, first come first served, each with its timeout armed on the pool's
 * timer. Removal by any path (served, timed out, abandoned, pool closed) cancels the timer.
 *
 * <p>Not thread-safe: guarded by the owning pool's lock.
 *
 * @param <L> the lease type waiters get
 */
public final class Waiters<L> {

    /** Insertion-ordered for fairness, hashed so that a timed-out or cancelled waiter leaves in O(1). */
    private final LinkedHashSet<PendingAcquire<L>> queue = new LinkedHashSet<>();

    private final PoolTimer timer;
    private final long timeoutNanos;

    /** Waiters that time out after {@code timeoutNanos} on {@code timer}; 0 waits forever. */
    public Waiters(PoolTimer timer, long timeoutNanos) {
        this.timer = timer;
        this.timeoutNanos = timeoutNanos;
    }

    /** Queues a waiter for {@code result}; {@code onTimeout} runs on the timer thread, without the lock. */
    public PendingAcquire<L> add(CompletableFuture<L> result, Consumer<PendingAcquire<L>> onTimeout) {
        PendingAcquire<L> w = new PendingAcquire<>(result);
        queue.add(w);
        if (timeoutNanos > 0) {
            // Armed under the pool's lock, so whoever removes the waiter always finds the timer to cancel.
            w.timer(timer.schedule(() -> onTimeout.accept(w), timeoutNanos));
        }
        return w;
    }

    /** The first waiter, removed, or {@code null}. */
    public PendingAcquire<L> poll() {
        Iterator<PendingAcquire<L>> it = queue.iterator();
        if (!it.hasNext()) {
            return null;
        }
        PendingAcquire<L> w = it.next();
        it.remove();
        w.cancelTimer();
        return w;
    }

    /** Removes {@code w}; false when it had left already (served, timed out, abandoned). */
    public boolean remove(PendingAcquire<L> w) {
        if (queue.remove(w)) {
            w.cancelTimer();
            return true;
        }
        return false;
    }

    /** Removes and returns every waiter. */
    public List<PendingAcquire<L>> clear() {
        List<PendingAcquire<L>> all = new ArrayList<>(queue);
        queue.clear();
        all.forEach(PendingAcquire::cancelTimer);
        return all;
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int size() {
        return queue.size();
    }
}
