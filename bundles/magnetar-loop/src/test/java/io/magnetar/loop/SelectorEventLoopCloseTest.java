package io.magnetar.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorEventLoopCloseTest {

    private SelectorEventLoopGroup group;
    private SelectorEventLoop loop;
    private Pipe pipe;

    @BeforeEach
    void openLoop() throws Exception {
        group = new SelectorEventLoopGroup(1, "close-test");
        loop = (SelectorEventLoop) group.loops().get(0);
        pipe = Pipe.open();
    }

    @AfterEach
    void closeLoop() throws Exception {
        group.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void closeCompletesTheFutureAndEndsTheLoopThread() throws Exception {
        Thread loopThread = OnLoop.call(loop, Thread::currentThread);

        loop.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        loopThread.join(TimeUnit.SECONDS.toMillis(OnLoop.TIMEOUT_SECONDS));

        assertThat(loop.isClosed()).isTrue();
        assertThat(loop.terminationFuture()).isCompleted();
        assertThat(loopThread.isAlive()).isFalse();
    }

    @Test
    void rejectsExecuteOnceCloseWasCalled() throws Exception {
        CompletableFuture<Void> terminated;
        // Held, so the loop is still running when execute is called right after close().
        try (AutoCloseable held = OnLoop.hold(loop)) {
            terminated = loop.close();
            assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        }
        terminated.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.callSoon(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.callLater(Duration.ZERO, () -> {}))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void dropsPendingTimersOnClose() throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.callLater(Duration.ofHours(1), () -> ran.complete(null));
        OnLoop.call(loop, () -> null);

        loop.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(ran).isNotDone();
    }

    @Test
    void abortsEveryRegisteredChannelOnceOnCloseOnTheLoopThread() throws Exception {
        RecordingHandler handler = new RecordingHandler(pipe);
        OnLoop.call(loop, () -> register(pipe, handler));

        loop.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(handler.aborts).hasValue(1);
        assertThat(handler.aborted).isCompletedWithValue(true);
    }

    @Test
    void abortsAChannelThatATaskRegistersWhileTheLoopShutsDown() throws Exception {
        Pipe late = Pipe.open();
        RecordingHandler lateHandler = new RecordingHandler(late);
        // Its abort queues a task that registers another channel: the shutdown must abort that one too.
        RecordingHandler first = new RecordingHandler(pipe) {
            @Override
            public void abort(Throwable t) {
                super.abort(t);
                loop.execute(() -> register(late, lateHandler));
            }
        };
        OnLoop.call(loop, () -> register(pipe, first));

        loop.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(first.aborts).hasValue(1);
        assertThat(lateHandler.aborts).hasValue(1);
        assertThat(late.source().isOpen()).isFalse();
        late.sink().close();
    }

    @Test
    void abortsAHandlerWithWhatItsReadyThrewAndKeepsLooping() throws Exception {
        IllegalStateException failure = new IllegalStateException("ready failed on purpose");
        RecordingHandler handler = new RecordingHandler(pipe) {
            @Override
            public void ready(int readyOps) {
                throw failure;
            }
        };
        OnLoop.call(loop, () -> register(pipe, handler));

        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));

        assertThat(handler.cause.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(failure);
        assertThat(OnLoop.call(loop, () -> "still looping")).isEqualTo("still looping");
    }

    private SelectionKey register(Pipe p, ChannelHandler handler) {
        try {
            p.source().configureBlocking(false);
            return loop.register(p.source(), SelectionKey.OP_READ, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts aborts; on abort it closes its channel, as a real handler does. */
    private class RecordingHandler implements ChannelHandler {
        final AtomicInteger aborts = new AtomicInteger();
        final CompletableFuture<Boolean> aborted = new CompletableFuture<>();
        final CompletableFuture<Throwable> cause = new CompletableFuture<>();
        private final Pipe channel;

        RecordingHandler(Pipe channel) {
            this.channel = channel;
        }

        @Override
        public void ready(int readyOps) {}

        @Override
        public void abort(Throwable t) {
            aborts.incrementAndGet();
            aborted.complete(loop.inEventLoop());
            if (t != null) {
                cause.complete(t);
            }
            try {
                channel.source().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
