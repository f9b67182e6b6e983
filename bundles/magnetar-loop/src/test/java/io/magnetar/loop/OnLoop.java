package io.magnetar.loop;

import io.magnetar.api.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs test code on a loop thread, and holds a loop busy so tasks pile up deterministically. */
final class OnLoop {

    static final long TIMEOUT_SECONDS = 5;

    private OnLoop() {}

    /** Runs {@code body} on {@code loop} and returns its result, failing after a bounded wait. */
    static <T> T call(EventLoop loop, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Blocks {@code loop} inside a task until the returned handle is closed; returns once the loop is
     * inside that task, so everything queued afterwards runs in one batch after the release.
     */
    static AutoCloseable hold(EventLoop loop) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            entered.countDown();
            try {
                // Bounded, so a failing test cannot wedge the loop (and the @AfterEach close) forever.
                release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("loop " + loop + " did not pick up the holding task");
        }
        return release::countDown;
    }

    /**
     * Waits until {@code loopThread} is parked in a blocking {@code Selector.select} (seen in its
     * stack), i.e. the loop has run out of work and only a wakeup or I/O can move it.
     */
    static void awaitBlockedInSelect(Thread loopThread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            for (StackTraceElement frame : loopThread.getStackTrace()) {
                if (frame.getClassName().endsWith("SelectorImpl")
                        && frame.getMethodName().equals("select")) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(loopThread.getName() + " never blocked in select");
    }
}
