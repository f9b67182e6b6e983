package io.magnetar.protocol.http.internal;

import io.magnetar.protocols.InputBudget;
import java.nio.ByteBuffer;

/**
 * The body bytes of the request being read, in an array that grows by doubling up to the body limit
 * and is kept for the next request on the connection unless it grew large.
 *
 * <p>Confined to its connection's event loop.
 */
public final class BodyBuffer {

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL = 1024;
    /** Arrays above this are dropped after their request: one large upload must not pin memory for the connection's life. */
    private static final int KEEP = 64 * 1024;

    private final int max;
    private byte[] bytes = EMPTY;
    private int length;

    public BodyBuffer(int max) {
        this.max = max;
    }

    /**
     * Copies {@code n} bytes from {@code src}; callers have checked that the total stays within the limit.
     * False, copying nothing, when growing would pass the process-wide {@link InputBudget}.
     */
    boolean append(ByteBuffer src, int n) {
        int needed = length + n;
        if (needed > bytes.length && !grow(needed)) {
            return false;
        }
        src.get(bytes, length, n);
        length = needed;
        return true;
    }

    private boolean grow(int needed) {
        assert needed <= max : needed + " > " + max;
        long size = Math.max(INITIAL, bytes.length);
        while (size < needed) {
            size *= 2;
        }
        int capacity = (int) Math.min(size, max);
        if (!InputBudget.take(capacity - bytes.length)) {
            return false;
        }
        byte[] bigger = new byte[capacity];
        System.arraycopy(bytes, 0, bigger, 0, length);
        bytes = bigger;
        return true;
    }

    public int length() {
        return length;
    }

    /** The array holding the body in {@code [0, length())}; shared, valid until {@link #reset()}. */
    public byte[] array() {
        return bytes;
    }

    /** Bytes held by this buffer, used or not. */
    public int capacity() {
        return bytes.length;
    }

    void reset() {
        length = 0;
        if (bytes.length > KEEP) {
            release();
        }
    }

    /** Gives the array back to the budget: after a large body, or when the connection is gone. */
    void release() {
        InputBudget.give(bytes.length);
        bytes = EMPTY;
        length = 0;
    }
}
