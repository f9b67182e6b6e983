package io.magnetar.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
        public void flush() {
        }

        @Override
        public void close() {
        }
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
        assertThat(logged).extracting(r -> r.getThrown().getMessage())
                .containsExactlyInAnyOrder("listener bug", "late listener bug");
    }

    @Test
    void unknownEventNamesAreRejected() {
        Consumer<Object> listener = arg -> { };
        assertThatThrownBy(() -> events.event("nope")).isInstanceOf(IllegalArgumentException.class)
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
        assertThatThrownBy(() -> consumer.bindEvent(Connection.CONNECTION_MADE, a -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFutureAskedForWhileTheEventFiresOnAnotherThreadAlwaysCompletes() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20_000; round++) {
                Events racing = new Events();
                var start = new java.util.concurrent.CyclicBarrier(2);
                var fired = pool.submit(() -> {
                    start.await();
                    return racing.fireEvent("made", "value");
                });
                var asked = pool.submit(() -> {
                    start.await();
                    return racing.event("made");
                });
                assertThat(fired.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(asked.get(5, java.util.concurrent.TimeUnit.SECONDS).getNow("left pending"))
                        .as("round %d", round).isEqualTo("value");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEventFiresOnceWhenTwoThreadsRaceToFireIt() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20_000; round++) {
                Events racing = new Events();
                AtomicInteger heard = new AtomicInteger();
                racing.bindEvent("lost", v -> heard.incrementAndGet());
                var start = new java.util.concurrent.CyclicBarrier(2);
                var a = pool.submit(() -> {
                    start.await();
                    return racing.fireEvent("lost", "a");
                });
                var b = pool.submit(() -> {
                    start.await();
                    return racing.fireEventError("lost", new IllegalStateException("b"));
                });
                boolean aWon = a.get(5, java.util.concurrent.TimeUnit.SECONDS);
                boolean bWon = b.get(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(aWon ^ bWon).as("exactly one firing wins, round %d", round).isTrue();
                assertThat(heard.get()).isEqualTo(aWon ? 1 : 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
