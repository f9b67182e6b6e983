package io.magnetar.bench.jmh;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A stream transport without a socket for protocol hot-path benchmarks: writes are counted and
 * dropped, the "loop" is the calling thread and its timers never fire. Not thread-safe.
 */
final class InMemoryTransport implements StreamTransport {

    long bytesWritten;

    private final EventLoop loop = new EventLoop() {
        private final TimerHandle never = new TimerHandle() {
            @Override
            public boolean cancel() {
                return true;
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };

        @Override
        public boolean inEventLoop() {
            return true;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public TimerHandle callSoon(Runnable task) {
            task.run();
            return never;
        }

        @Override
        public TimerHandle callLater(Duration delay, Runnable task) {
            return never;
        }

        @Override
        public TimerHandle callAt(long deadlineNanos, Runnable task) {
            return never;
        }

        @Override
        public long time() {
            return System.nanoTime();
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public CompletableFuture<Void> close() {
            return CompletableFuture.completedFuture(null);
        }
    };

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Object extraInfo(String key) {
        return null;
    }

    @Override
    public boolean isClosing() {
        return false;
    }

    @Override
    public void close() {
        throw new IllegalStateException("the benchmark's protocol closed its connection");
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public void write(ByteBuffer data) {
        bytesWritten += data.remaining();
    }

    @Override
    public void writeCopy(ByteBuffer data) {
        bytesWritten += data.remaining();
        data.position(data.limit());
    }

    @Override
    public void writeLines(ByteBuffer... data) {
        for (ByteBuffer b : data) {
            write(b);
        }
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void writeEof() {
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public boolean isReading() {
        return true;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
    }

    @Override
    public long writeBufferSize() {
        return 0;
    }

    @Override
    public int writeBufferHighWater() {
        return DEFAULT_HIGH_WATER;
    }

    @Override
    public int writeBufferLowWater() {
        return DEFAULT_HIGH_WATER / 4;
    }
}
