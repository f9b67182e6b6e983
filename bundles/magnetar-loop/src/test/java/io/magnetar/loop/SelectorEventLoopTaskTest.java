package io.magnetar.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.TimerHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorEventLoopTaskTest {

    private SelectorEventLoopGroup group;
    private SelectorEventLoop loop;

    @BeforeEach
    void openLoop() {
        group = new SelectorEventLoopGroup(1, "task-test");
        loop = (SelectorEventLoop) group.loops().get(0);
    }

    @AfterEach
    void closeLoop() throws Exception {
        group.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void runsTasksFromManyThreadsOnTheLoopThreadInPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 5_000;
        Thread loopThread = OnLoop.call(loop, Thread::currentThread);
        // Each list is only touched on the loop thread; the latch publishes them to the test thread.
        List<List<Integer>> seen = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            seen.add(new ArrayList<>());
        }
        AtomicInteger offLoop = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Integer> mine = seen.get(t);
            Thread submitter = new Thread(
                    () -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < perThread; i++) {
                            int n = i;
                            loop.execute(() -> {
                                if (Thread.currentThread() != loopThread || !loop.inEventLoop()) {
                                    offLoop.incrementAndGet();
                                }
                                mine.add(n);
                                done.countDown();
                            });
                        }
                    },
                    "submitter-" + t);
            submitter.start();
            submitters.add(submitter);
        }
        start.countDown();

        assertThat(done.await(10, TimeUnit.SECONDS)).as("all tasks ran").isTrue();
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(OnLoop.TIMEOUT_SECONDS));
        }
        assertThat(offLoop).hasValue(0);
        for (List<Integer> mine : seen) {
            assertThat(mine).hasSize(perThread).isSorted();
        }
    }

    @Test
    void keepsRunningAfterATaskOrTimerThrows() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("task failure on purpose");
        });
        loop.execute(() -> {
            throw new AssertionError("error on purpose");
        });
        loop.callLater(Duration.ZERO, () -> {
            throw new IllegalStateException("timer failure on purpose");
        });
        CompletableFuture<Boolean> afterTask = new CompletableFuture<>();
        loop.execute(() -> afterTask.complete(loop.inEventLoop()));
        CompletableFuture<Boolean> afterTimer = new CompletableFuture<>();
        loop.callLater(Duration.ZERO, () -> afterTimer.complete(loop.inEventLoop()));

        assertThat(afterTask.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(afterTimer.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isClosed()).isFalse();
    }

    @Test
    void callSoonRunsInQueueOrderUnlessCancelledFirst() throws Exception {
        List<String> ran = new ArrayList<>();
        TimerHandle cancelled;
        try (AutoCloseable held = OnLoop.hold(loop)) {
            loop.callSoon(() -> ran.add("first"));
            cancelled = loop.callSoon(() -> ran.add("cancelled"));
            loop.execute(() -> ran.add("second"));
            loop.callSoon(() -> ran.add("third"));
            assertThat(cancelled.cancel()).isTrue();
        }
        List<String> result = OnLoop.call(loop, () -> List.copyOf(ran));

        assertThat(result).containsExactly("first", "second", "third");
        assertThat(cancelled.isCancelled()).isTrue();
    }

    @Test
    void cancellingACallSoonThatAlreadyRanReturnsFalse() throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        TimerHandle handle = loop.callSoon(() -> ran.complete(null));
        ran.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(handle.cancel()).isFalse();
        assertThat(handle.isCancelled()).isFalse();
    }

    @Test
    void wakesForATaskQueuedAfterAPurgeOfCancelledKeysConsumedAPendingWakeup() throws Exception {
        Thread loopThread = OnLoop.call(loop, Thread::currentThread);
        try (AutoCloseable held = OnLoop.hold(loop)) {
            // Queued while the loop is busy: this wakes the selector ahead of time ...
            loop.execute(() -> {});
            // ... and this selectNow consumes that wakeup before the loop selects again.
            loop.execute(loop::purgeCancelledKeys);
        }
        OnLoop.awaitBlockedInSelect(loopThread);
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.execute(() -> ran.complete(null));

        ran.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Out of descriptors a logger's first use can throw an Error; the loop logs task failures and must go on. */
    @Test
    void aTaskThatFailsWhenLoggingFailsTooLeavesTheLoopRunning() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(SelectorEventLoop.class.getName());
        java.util.logging.Handler failing = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                throw new ExceptionInInitializerError("the logger cannot start either");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(failing);
        try {
            loop.execute(() -> {
                throw new IllegalStateException("a task fails");
            });
            CompletableFuture<Boolean> later = new CompletableFuture<>();
            loop.execute(() -> later.complete(loop.inEventLoop()));
            assertThat(later.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.isClosed()).as("the loop is still open").isFalse();
        } finally {
            jul.removeHandler(failing);
        }
    }
}
