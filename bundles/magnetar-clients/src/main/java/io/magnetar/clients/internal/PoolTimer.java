package io.magnetar.clients.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of a pool: acquire timeouts and the idle evictor. Owned by its pool and
 * stopped by the pool's close, so no thread outlives the pool.
 *
 * <p>Thread-safe.
 */
public final class PoolTimer {

    private final ScheduledThreadPoolExecutor executor;

    public PoolTimer(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            // A pool someone forgot to close must not keep the JVM alive.
            t.setDaemon(true);
            return t;
        });
        // Most timeouts are cancelled (the waiter got a connection): don't keep them queued until due.
        executor.setRemoveOnCancelPolicy(true);
    }

    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code periodNanos}; the task must not throw, or it stops. */
    // close() cancels the task by shutdownNow; the only task, PoolCore's evictor, catches and logs its own failures.
    @SuppressWarnings("FutureReturnValueIgnored")
    public void every(Runnable task, long periodNanos) {
        executor.scheduleWithFixedDelay(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    public void close() {
        executor.shutdownNow();
    }
}
