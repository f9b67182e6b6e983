package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.AsyncHttpHandler;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpResponse;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests one handler service is running. When the service leaves, the whiteboard routes no new request
 * to it and waits (bounded) until this reaches zero before the service's component may be deactivated:
 * requests already running complete. Thread-safe; counting allocates nothing.
 */
final class InFlight {

    private final AtomicInteger running = new AtomicInteger();

    int running() {
        return running.get();
    }

    void started() {
        running.incrementAndGet();
    }

    void ended() {
        running.decrementAndGet();
    }

    /** {@code handler} (an HttpHandler or AsyncHttpHandler) counted. */
    Object wrap(Object handler) {
        if (handler instanceof HttpHandler h) {
            return (HttpHandler) request -> {
                started();
                try {
                    return h.handle(request);
                } finally {
                    ended();
                }
            };
        }
        AsyncHttpHandler a = (AsyncHttpHandler) handler;
        return (AsyncHttpHandler) request -> {
            started();
            CompletionStage<HttpResponse> stage;
            try {
                stage = a.handle(request);
            } catch (RuntimeException e) {
                ended();
                throw e;
            }
            return stage.whenComplete((r, e) -> ended());
        };
    }

    /** Waits until no request runs, at most {@code millis}; true when none does. */
    boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (running.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1); // polling with a deadline: a handler leaving is rare, a request is short
        }
        return true;
    }
}
