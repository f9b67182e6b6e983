package io.magnetar.protocol.resp.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The bytes all connections of a RESP server hold of commands still arriving (their argument arenas),
 * against one limit (redis-server's total client query buffers): a few hundred clients each stalled inside
 * a large bulk string must not fill the heap that every endpoint of the process shares. When an arena
 * would grow past the limit, the connections holding the most are closed ({@code -ERR}), largest first,
 * until what they hold covers the growth; when the growing connection is itself the largest, it is the one
 * refused. What a closed connection held is given back when it closes; until then it is counted as leaving,
 * so the total passes the limit by at most what is already on its way out.
 *
 * <p>Thread-safe. Taking and giving happen when an arena grows or shrinks, not per command, so one lock
 * is enough.
 */
final class InputBudget {

    /** One connection's part of the budget. Its fields are guarded by the budget. */
    static final class Share {
        private final Consumer<String> evict;
        private long held;
        private boolean evicting;

        /**
         * @param evict closes the connection with the given reason; called from any thread, so it must hand
         *     the close to the connection's loop
         */
        Share(Consumer<String> evict) {
            this.evict = evict;
        }
    }

    private final Set<Share> holders = new HashSet<>();
    private long held;
    private long leaving;
    private volatile long limit;
    private long evictions;

    InputBudget(long limit) {
        this.limit = limit;
    }

    void limit(long bytes) {
        this.limit = bytes;
    }

    long limit() {
        return limit;
    }

    synchronized long held() {
        return held;
    }

    /** Connections closed so far for holding the most when the limit was reached. */
    synchronized long evictions() {
        return evictions;
    }

    /**
     * Takes {@code bytes} more for {@code share}, closing larger holders when that passes the limit; false,
     * taking nothing, when {@code share} would be the largest (0: no limit).
     */
    synchronized boolean take(Share share, long bytes) {
        if (bytes <= 0) {
            return true;
        }
        if (share.evicting) {
            return false; // closing already: it must not grow meanwhile
        }
        long l = limit;
        while (l > 0 && held - leaving + bytes > l) {
            Share largest = largestOther(share);
            if (largest == null || largest.held <= share.held + bytes) {
                return false;
            }
            largest.evicting = true;
            leaving += largest.held;
            evictions++;
            largest.evict.accept("client input of all connections over the limit of " + l
                    + " bytes (maxClientInputBytes): closing the connection holding the most");
        }
        if (share.held == 0) {
            holders.add(share);
        }
        share.held += bytes;
        held += bytes;
        return true;
    }

    /** Gives back {@code bytes} {@code share} took earlier. */
    synchronized void give(Share share, long bytes) {
        if (bytes <= 0) {
            return;
        }
        share.held -= bytes;
        held -= bytes;
        if (share.evicting) {
            leaving -= bytes;
        }
        if (share.held <= 0) {
            holders.remove(share);
            share.evicting = false;
        }
    }

    private Share largestOther(Share share) {
        Share largest = null;
        for (Share s : holders) {
            if (s != share && !s.evicting && (largest == null || s.held > largest.held)) {
                largest = s;
            }
        }
        return largest;
    }
}
