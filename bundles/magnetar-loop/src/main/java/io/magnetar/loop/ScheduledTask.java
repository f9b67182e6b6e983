package io.magnetar.loop;

import io.magnetar.api.TimerHandle;
import java.util.concurrent.atomic.AtomicInteger;

/** A task waiting for its deadline on one loop. Thread-safe to cancel; run only by its loop. */
final class ScheduledTask implements TimerHandle, Runnable, Comparable<ScheduledTask> {

    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    final long deadline;
    /** Tie-breaker so that tasks with equal deadlines run in the order they were scheduled. */
    final long sequence;

    private final Runnable task;
    private final AtomicInteger state = new AtomicInteger(PENDING);

    ScheduledTask(long deadline, long sequence, Runnable task) {
        this.deadline = deadline;
        this.sequence = sequence;
        this.task = task;
    }

    @Override
    public void run() {
        if (state.compareAndSet(PENDING, DONE)) {
            task.run();
        }
    }

    @Override
    public boolean cancel() {
        return state.compareAndSet(PENDING, CANCELLED) || state.get() == CANCELLED;
    }

    @Override
    public boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    @Override
    public int compareTo(ScheduledTask o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
