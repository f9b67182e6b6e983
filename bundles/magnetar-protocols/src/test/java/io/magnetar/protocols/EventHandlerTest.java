package io.magnetar.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventHandlerTest {

    /** The events of a pulsar connection: two one-time, two many-times. */
    private static final class Events extends EventHandler {
        Events() {
            super(Set.of("made", "lost"), Set.of("data", "processed"));
        }
    }

    private final Events events = new Events();

    // Held strongly: java.util.logging keeps loggers only weakly.
    private final Logger julLogger = Logger.getLogger(EventHandler.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    EventHandlerTest() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void removeLogCapture() {
        julLogger.removeHandler(capture);
    }

    @Test
    void oneTimeEventCompletesOnceWithTheFirstValue() {
        assertThat(events.fired("made")).isFalse();

        assertThat(events.fireEvent("made", "first")).isTrue();
        assertThat(events.fireEvent("made", "second")).isFalse();
        assertThat(events.fireEventError("made", new RuntimeException("late"))).isFalse();

        assertThat(events.fired("made")).isTrue();
        assertThat(events.event("made")).isCompletedWithValue("first");
        assertThat(events.fired("lost")).isFalse();
    }

    @Test
    void oneTimeListenersBoundBeforeAndAfterFiringAreEachCalledOnce() {
        List<Object> early = new ArrayList<>();
        List<Object> late = new ArrayList<>();
        events.bindEvent("made", early::add);

        events.fireEvent("made", "value");
        events.bindEvent("made", late::add);
        events.fireEvent("made", "again");

        assertThat(early).containsExactly("value");
        assertThat(late).containsExactly("value");
    }

    @Test
    void failedOneTimeEventCompletesExceptionallyOnce() {
        IllegalStateException error = new IllegalStateException("boom");

        assertThat(events.fireEventError("lost", error)).isTrue();
        assertThat(events.fireEvent("lost", "too late")).isFalse();

        assertThat(events.fired("lost")).isTrue();
        assertThat(events.event("lost")).isCompletedExceptionally();
        assertThat(events.event("lost").handle((v, e) -> e)).isCompletedWithValue(error);
    }

    @Test
    void manyTimesListenersAreCalledOnEveryFiringInBindingOrder() {
        List<String> calls = new ArrayList<>();
        events.bindEvent("data", arg -> calls.add("a:" + arg));
        events.bindEvent("data", arg -> calls.add("b:" + arg));
        events.bindEvent("data", arg -> calls.add("c:" + arg));

        assertThat(events.fireEvent("data", 1)).isTrue();
        assertThat(events.fireEvent("data", 2)).isTrue();

        assertThat(calls).containsExactly("a:1", "b:1", "c:1", "a:2", "b:2", "c:2");
    }

    @Test
    void removedManyTimesListenerIsNotCalledAgain() {
        AtomicInteger calls = new AtomicInteger();
        Consumer<Object> listener = arg -> calls.incrementAndGet();
        events.bindEvent("data", listener);
        events.fireEvent("data", null);

        assertThat(events.removeListener("data", listener)).isTrue();
        assertThat(events.removeListener("data", listener)).isFalse();
        events.fireEvent("data", null);

        assertThat(calls).hasValue(1);
        assertThat(events.hasListeners("data")).isFalse();
    }

    @Test
    void throwingManyTimesListenerIsLoggedAndDoesNotStopTheOthers() {
        List<String> calls = new ArrayList<>();
        events.bindEvent("processed", arg -> calls.add("before"));
        events.bindEvent("processed", arg -> {
            throw new IllegalStateException("listener bug");
        });
        events.bindEvent("processed", arg -> calls.add("after"));

        assertThat(events.fireEvent("processed", "x")).isTrue();
        assertThat(events.fireEvent("processed", "y")).isTrue();

        assertThat(calls).containsExactly("before", "after", "before", "after");
        assertThat(logged).hasSize(2).allSatisfy(r -> assertThat(r.getThrown()).hasMessage("listener bug"));
    }

    @Test
    void throwingOneTimeListenerIsLoggedAndDoesNotStopTheOthers() {
        List<String> calls = new ArrayList<>();
        events.bindEvent("made", arg -> calls.add("before"));
        events.bindEvent("made", arg -> {
            throw new IllegalStateException("listener bug");
        });
        events.bindEvent("made", arg -> calls.add("after"));

        assertThat(events.fireEvent("made", "x")).isTrue();
        // A late binder that throws is run at once, by the binder; it is logged the same way.
        events.bindEvent("made", arg -> {
            throw new IllegalStateException("late listener bug");
        });

        assertThat(calls).containsExactlyInAnyOrder("before", "after");
        assertThat(events.event("made")).isCompletedWithValue("x");
        assertThat(logged)
                .extracting(r -> r.getThrown().getMessage())
                .containsExactlyInAnyOrder("listener bug", "late listener bug");
    }

    @Test
    void unknownEventNamesAreRejected() {
        Consumer<Object> listener = arg -> {};
        assertThatThrownBy(() -> events.event("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> events.fired("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.bindEvent("nope", listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.fireEvent("nope", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.fireEventError("nope", new RuntimeException()))
                .isInstanceOf(IllegalArgumentException.class);
        // A many-times event has no future and cannot fail.
        assertThatThrownBy(() -> events.event("data")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.fireEventError("data", new RuntimeException()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void consumerExchangeStartsOnceAndEndsOnce() {
        ProtocolConsumer consumer = new LineConsumer();
        consumer.start(null);

        assertThat(consumer.preRequest()).isCompletedWithValue(consumer);
        assertThat(consumer.inProgress()).isTrue();
        assertThatThrownBy(() -> consumer.start(null)).isInstanceOf(IllegalStateException.class);

        consumer.finished("result");
        consumer.finished("ignored");
        consumer.failed(new RuntimeException("ignored"));

        assertThat(consumer.postRequest()).isCompletedWithValue("result");
        assertThat(consumer.inProgress()).isFalse();
        assertThatThrownBy(() -> consumer.bindEvent(Connection.CONNECTION_MADE, a -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFutureAskedForWhileTheEventFiresOnAnotherThreadAlwaysCompletes() throws Exception {
        race((racing, round) -> {
            Object[] results = together(() -> racing.fireEvent("made", "value"), () -> racing.event("made"));
            assertThat(results[0]).isEqualTo(true);
            assertThat(((CompletableFuture<Object>) results[1]).getNow("left pending"))
                    .as("round %d", round)
                    .isEqualTo("value");
        });
    }

    @Test
    void anEventFiresOnceWhenTwoThreadsRaceToFireIt() throws Exception {
        race((racing, round) -> {
            AtomicInteger heard = new AtomicInteger();
            racing.bindEvent("lost", v -> heard.incrementAndGet());
            Object[] won = together(
                    () -> racing.fireEvent("lost", "a"),
                    () -> racing.fireEventError("lost", new IllegalStateException("b")));
            assertThat((Boolean) won[0] ^ (Boolean) won[1])
                    .as("exactly one firing wins, round %d", round)
                    .isTrue();
            assertThat(heard.get()).isEqualTo((Boolean) won[0] ? 1 : 0);
        });
    }

    private interface Round {
        void run(Events racing, int round) throws Exception;
    }

    private ExecutorService racers;

    /** 20,000 rounds, each on fresh events, with two threads released together by {@link #together}. */
    private void race(Round round) throws Exception {
        racers = Executors.newFixedThreadPool(2);
        try {
            for (int r = 0; r < 20_000; r++) {
                round.run(new Events(), r);
            }
        } finally {
            racers.shutdownNow();
        }
    }

    /** Runs {@code a} and {@code b} on two threads released at once; their results, in order. */
    private Object[] together(Callable<Object> a, Callable<Object> b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Object> fa = racers.submit(() -> {
            start.await();
            return a.call();
        });
        Future<Object> fb = racers.submit(() -> {
            start.await();
            return b.call();
        });
        return new Object[] {fa.get(5, TimeUnit.SECONDS), fb.get(5, TimeUnit.SECONDS)};
    }
}
