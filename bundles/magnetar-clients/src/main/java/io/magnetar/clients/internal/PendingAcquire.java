package io.magnetar.clients.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * An acquire waiting for a free connection or a free slot, with its timeout timer.
 *
 * <p>Not thread-safe: {@link #timer} is set and cancelled under the owning pool's lock.
 *
 * @param <L> the lease type the waiter gets
 */
public final class PendingAcquire<L> {

    private final CompletableFuture<L> result;
    private ScheduledFuture<?> timer;

    public PendingAcquire(CompletableFuture<L> result) {
        this.result = result;
    }

    public CompletableFuture<L> result() {
        return result;
    }

    public void timer(ScheduledFuture<?> timer) {
        this.timer = timer;
    }

    /** Stops the timeout: the waiter got a connection or a slot, or gave up. */
    public void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
