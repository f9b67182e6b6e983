package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.AsyncHttpHandler;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpResponse;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@code magnetar.http.blocking} handlers run: never on an event loop. On JDK 21 and later one
 * virtual thread per request, on 17 a fixed pool of platform threads; either way at most
 * {@code threads} run and {@code queue} more wait, and a request beyond that is answered 503 at once
 * (its connection is not kept waiting without bound). The connection reads nothing more while its
 * handler runs (the {@link AsyncHttpHandler} contract).
 *
 * <p>Thread-safe.
 */
final class BlockingPool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BlockingPool.class.getName());
    private static final HttpResponse BUSY = HttpResponse.builder(503)
            .header("Retry-After", "1")
            .contentType("text/plain; charset=utf-8")
            .body("blocking handlers are all busy\n")
            .build();

    private final ExecutorService executor;
    private final Semaphore permits;
    /** Bounds concurrently running handlers on virtual threads; null on a platform pool (its size does). */
    private final Semaphore running;

    BlockingPool(int threads, int queue) {
        this.permits = new Semaphore(threads + queue);
        ExecutorService v = virtualThreads();
        this.executor = v != null ? v : Executors.newFixedThreadPool(threads, named());
        // Virtual threads are not pooled: a second semaphore bounds how many run at once.
        this.running = v != null ? new Semaphore(threads) : null;
    }

    /** {@code handler} as an async handler that runs it here, counting it in {@code inFlight}. */
    AsyncHttpHandler wrap(HttpHandler handler, InFlight inFlight) {
        return request -> {
            if (!permits.tryAcquire()) {
                return CompletableFuture.completedFuture(BUSY);
            }
            inFlight.started();
            CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
            try {
                executor.execute(() -> run(handler, request, answer, inFlight));
            } catch (RuntimeException rejected) {
                permits.release();
                inFlight.ended();
                return CompletableFuture.completedFuture(BUSY);
            }
            return answer;
        };
    }

    private void run(
            HttpHandler handler,
            io.magnetar.protocol.http.HttpRequest request,
            CompletableFuture<HttpResponse> answer,
            InFlight inFlight) {
        try {
            if (running != null) {
                running.acquireUninterruptibly();
            }
            try {
                answer.complete(handler.handle(request));
            } finally {
                if (running != null) {
                    running.release();
                }
            }
        } catch (Throwable t) {
            answer.completeExceptionally(t);
        } finally {
            permits.release();
            inFlight.ended();
        }
    }

    private static ExecutorService virtualThreads() {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // JDK 17-20: no virtual threads
        }
    }

    private static ThreadFactory named() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "magnetar-http-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "blocking HTTP handlers still running after 10 s; interrupting them");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
