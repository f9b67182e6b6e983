package io.magnetar.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A single thread that runs I/O callbacks, tasks and timers.
 *
 * <p>Thread-safe: every method may be called from any thread; tasks always run on the loop thread.
 */
@ProviderType
public interface EventLoop extends Executor {

    /** True when the calling thread is this loop's thread. */
    boolean inEventLoop();

    /** Runs {@code task} on the loop thread, after the tasks already queued; rejected once closed. */
    @Override
    void execute(Runnable task);

    /** Like {@link #execute} but cancellable until it runs (asyncio {@code call_soon}). */
    TimerHandle callSoon(Runnable task);

    /** Runs {@code task} on the loop thread after {@code delay} (asyncio {@code call_later}). */
    TimerHandle callLater(Duration delay, Runnable task);

    /** Runs {@code task} when {@link #time()} reaches {@code deadlineNanos} (asyncio {@code call_at}). */
    TimerHandle callAt(long deadlineNanos, Runnable task);

    /** The loop's monotonic clock in nanoseconds ({@link System#nanoTime()} scale). */
    long time();

    /** True once {@link #close()} was called. */
    boolean isClosed();

    /**
     * Stops the loop: every registered channel is aborted (its protocol sees {@code connectionLost}),
     * pending timers are dropped, and the thread ends. The future completes after the thread ended.
     */
    CompletableFuture<Void> close();
}
