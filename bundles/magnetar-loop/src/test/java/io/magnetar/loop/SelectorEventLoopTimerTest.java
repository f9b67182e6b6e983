package io.magnetar.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.TimerHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorEventLoopTimerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private SelectorEventLoopGroup group;
    private SelectorEventLoop loop;

    @BeforeEach
    void openLoop() {
        group = new SelectorEventLoopGroup(1, "timer-test");
        loop = (SelectorEventLoop) group.loops().get(0);
    }

    @AfterEach
    void closeLoop() throws Exception {
        group.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void runsCallAtTimersByDeadlineAndInSchedulingOrderOnTies() throws Exception {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        // Scheduled from the loop thread in one task, so none can fire before all are queued.
        loop.execute(() -> {
            long base = loop.time() + 20 * MS;
            loop.callAt(base + 20 * MS, () -> ran.add("c"));
            loop.callAt(base, () -> ran.add("a1"));
            loop.callAt(base + 10 * MS, () -> ran.add("b"));
            loop.callAt(base, () -> ran.add("a2"));
            loop.callAt(base, () -> ran.add("a3"));
            loop.callAt(base + 20 * MS, () -> last.complete(null));
        });
        last.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(OnLoop.call(loop, () -> List.copyOf(ran))).containsExactly("a1", "a2", "a3", "b", "c");
    }

    @Test
    void runsTimersScheduledFromOtherThreadsByDeadlineAndFifoOnTies() throws Exception {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        long past = loop.time() - TimeUnit.SECONDS.toNanos(1);
        // Held so that every hand-off reaches the timer queue before the first deadline check.
        try (AutoCloseable held = OnLoop.hold(loop)) {
            loop.callLater(Duration.ofMillis(5), () -> ran.add("later"));
            loop.callAt(past + 2, () -> ran.add("third"));
            loop.callAt(past, () -> ran.add("first"));
            loop.callAt(past + 1, () -> ran.add("second-a"));
            loop.callAt(past + 1, () -> ran.add("second-b"));
            loop.callLater(Duration.ofMillis(5), () -> ran.add("later-too"));
            loop.callLater(Duration.ofMillis(5), () -> last.complete(null));
        }
        last.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(OnLoop.call(loop, () -> List.copyOf(ran)))
                .containsExactly("first", "second-a", "second-b", "third", "later", "later-too");
    }

    @Test
    void neverRunsATimerBeforeItsDeadline() throws Exception {
        long deadline = loop.time() + 30 * MS;
        CompletableFuture<Long> firedAt = new CompletableFuture<>();
        loop.callAt(deadline, () -> firedAt.complete(loop.time()));

        assertThat(firedAt.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS) - deadline)
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void cancelPreventsATimerFromRunning() throws Exception {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> sentinel = new CompletableFuture<>();
        long past = loop.time() - 1;
        TimerHandle handle;
        try (AutoCloseable held = OnLoop.hold(loop)) {
            handle = loop.callAt(past, () -> ran.add("cancelled"));
            // Same deadline, scheduled later: runs after the cancelled one would have.
            loop.callAt(past, () -> sentinel.complete(null));
            assertThat(handle.cancel()).isTrue();
        }
        sentinel.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(OnLoop.call(loop, () -> List.copyOf(ran))).isEmpty();
        assertThat(handle.isCancelled()).isTrue();
        assertThat(handle.cancel())
                .as("cancelling twice still reports cancelled")
                .isTrue();
    }

    @Test
    void cancelAfterATimerRanReturnsFalse() throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        TimerHandle handle = loop.callLater(Duration.ZERO, () -> ran.complete(null));
        ran.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(handle.cancel()).isFalse();
        assertThat(handle.isCancelled()).isFalse();
    }
}
