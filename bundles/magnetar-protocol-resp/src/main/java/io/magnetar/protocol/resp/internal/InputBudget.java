package io.magnetar.protocol.resp.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all connections of a RESP server hold of commands still arriving (their argument arenas),
 * against one limit: a few hundred clients each stalled inside a large bulk string must not fill the
 * heap that every endpoint of the process shares. A connection whose arena would grow past the limit is
 * refused ({@code -ERR}) and closed; what it held is given back when it closes.
 *
 * <p>Thread-safe.
 */
final class InputBudget {

    private final AtomicLong held = new AtomicLong();
    private volatile long limit;

    InputBudget(long limit) {
        this.limit = limit;
    }

    void limit(long bytes) {
        this.limit = bytes;
    }

    long limit() {
        return limit;
    }

    long held() {
        return held.get();
    }

    /** Takes {@code bytes} more; false, taking nothing, when that would pass the limit (0: no limit). */
    boolean take(long bytes) {
        while (true) {
            long now = held.get();
            long next = now + bytes;
            if (limit > 0 && next > limit && bytes > 0) {
                return false;
            }
            if (held.compareAndSet(now, next)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }
}
