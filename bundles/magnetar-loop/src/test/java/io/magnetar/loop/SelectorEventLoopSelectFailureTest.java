package io.magnetar.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A select that throws (an {@link OutOfMemoryError} under a small heap, a failed {@code epoll_wait}) does
 * not end the loop: its tasks and timers go on. Only a selector that fails every time closes it.
 */
@Timeout(20)
class SelectorEventLoopSelectFailureTest {

    /** The JDK's selector, whose select methods throw {@code error} the first {@code failures} times. */
    private static final class FailingSelector extends AbstractSelector {
        private final Selector real;
        private final AtomicInteger failuresLeft;
        private final Error error;

        FailingSelector(int failures, Error error) throws IOException {
            super(SelectorProvider.provider());
            this.real = SelectorProvider.provider().openSelector();
            this.failuresLeft = new AtomicInteger(failures);
            this.error = error;
        }

        private void maybeFail() {
            if (failuresLeft.getAndDecrement() > 0) {
                throw error;
            }
        }

        @Override
        public int selectNow() throws IOException {
            maybeFail();
            return real.selectNow();
        }

        @Override
        public int select(long timeout) throws IOException {
            maybeFail();
            return real.select(timeout);
        }

        @Override
        public int select() throws IOException {
            maybeFail();
            return real.select();
        }

        @Override
        public Selector wakeup() {
            real.wakeup();
            return this;
        }

        @Override
        public Set<SelectionKey> keys() {
            return real.keys();
        }

        @Override
        public Set<SelectionKey> selectedKeys() {
            return real.selectedKeys();
        }

        @Override
        protected void implCloseSelector() throws IOException {
            real.close();
        }

        @Override
        protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
            throw new UnsupportedOperationException("tasks and timers only");
        }
    }

    @Test
    void aSelectThatThrowsAnErrorLeavesTheLoopRunningItsTasksAndTimers() throws Exception {
        SelectorEventLoop loop = new SelectorEventLoop(
                "failing-select", new FailingSelector(3, new OutOfMemoryError("test: select under a full heap")));
        try {
            CompletableFuture<String> task = new CompletableFuture<>();
            loop.execute(() -> task.complete("ran"));
            CompletableFuture<String> timer = new CompletableFuture<>();
            loop.callLater(java.time.Duration.ofMillis(20), () -> timer.complete("fired"));

            assertThat(task.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ran");
            assertThat(timer.get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fired");
            assertThat(loop.isClosed()).isFalse();
        } finally {
            loop.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSelectorThatFailsEveryTimeClosesTheLoop() throws Exception {
        SelectorEventLoop loop = new SelectorEventLoop(
                "broken-select", new FailingSelector(Integer.MAX_VALUE, new InternalError("test: broken selector")));

        loop.terminationFuture().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(loop.isClosed()).isTrue();
    }
}
