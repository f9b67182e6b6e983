package io.magnetar.protocols;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget for the bytes every connection of the process holds of input not yet complete: frames split
 * across reads, HTTP bodies being received, WebSocket messages being assembled. Each connection has its own
 * cap, but a few hundred connections each part-way through a large one could still fill the heap that every
 * endpoint shares; past this budget (default a quarter of the maximum heap) the connection that would grow is
 * refused and closed, and the others go on. Holders give back what they took when they shrink or their
 * connection ends.
 *
 * <p>Thread-safe.
 *
 * @since 1.4
 */
public final class InputBudget {

    private static final AtomicLong HELD = new AtomicLong();
    private static volatile long limit = Runtime.getRuntime().maxMemory() / 4;

    private InputBudget() {}

    /** Takes {@code bytes} more; false, taking nothing, when that would pass the limit (a limit of 0: none). */
    public static boolean take(long bytes) {
        while (true) {
            long now = HELD.get();
            long l = limit;
            if (bytes > 0 && l > 0 && now + bytes > l) {
                return false;
            }
            if (HELD.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} taken earlier. */
    public static void give(long bytes) {
        HELD.addAndGet(-bytes);
    }

    /** Bytes held now by all connections. */
    public static long held() {
        return HELD.get();
    }

    public static long limit() {
        return limit;
    }

    /** Sets the limit, in bytes; 0 means none. */
    public static void limit(long bytes) {
        limit = bytes;
    }
}
