package io.magnetar.itests.reliability;

import io.magnetar.api.EventLoop;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits with a deadline: every wait in this suite ends, and fails with what it waited for. */
final class Bounded {

    /** Upper bound of one wait: long enough for a loaded CI machine, short enough to fail fast. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Bounded() {}

    /** The future's value, failing after {@link #TIMEOUT}; a failed future throws its cause. */
    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@link #TIMEOUT}. */
    static void until(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(10); // polling interval only; the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Runs {@code body} on {@code loop} and returns its result. */
    static <T> T onLoop(EventLoop loop, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return await(result);
    }
}
