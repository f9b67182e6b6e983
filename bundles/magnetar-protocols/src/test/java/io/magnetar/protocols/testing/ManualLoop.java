package io.magnetar.protocols.testing;

import io.magnetar.api.EventLoop;
import io.magnetar.api.TimerHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Shared by the protocol bundles' tests (this module's test-jar). An {@link EventLoop} driven by the test: time moves only in {@link #advance}, queued tasks run only
 * in {@link #runTasks()}. The calling test thread is "the loop"; other threads may only {@code execute}.
 */
public final class ManualLoop implements EventLoop {

    private long now = 1_000_000_000L;
    private long sequence;
    private final List<Timer> timers = new ArrayList<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final class Timer implements TimerHandle {
        final long deadline;
        final long seq = sequence++;
        final Runnable task;
        boolean cancelled;
        boolean ran;

        Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            if (ran) {
                return false;
            }
            cancelled = true;
            timers.remove(this);
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    @Override
    public boolean inEventLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public TimerHandle callSoon(Runnable task) {
        return callAt(now, task);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable task) {
        return callAt(now + delay.toNanos(), task);
    }

    @Override
    public TimerHandle callAt(long deadlineNanos, Runnable task) {
        Timer t = new Timer(deadlineNanos, task);
        timers.add(t);
        return t;
    }

    @Override
    public long time() {
        return now;
    }

    /** Moves the clock, running every timer that falls due, in deadline order. */
    public void advance(Duration d) {
        long target = now + d.toNanos();
        while (true) {
            Timer next = timers.stream()
                    .filter(t -> t.deadline <= target)
                    .min(Comparator.<Timer>comparingLong(t -> t.deadline).thenComparingLong(t -> t.seq))
                    .orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            now = Math.max(now, next.deadline);
            next.ran = true;
            next.task.run();
        }
        now = target;
    }

    /** Runs the tasks queued so far (and those they queue). */
    public void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
        }
    }

    public int pendingTimers() {
        return timers.size();
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }
}
