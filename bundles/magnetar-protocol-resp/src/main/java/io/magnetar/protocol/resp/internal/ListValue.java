package io.magnetar.protocol.resp.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * A list value: a ring of byte arrays with indexed access (for {@code LRANGE}), pushed and popped at
 * both ends. Elements are never changed once in the list, so they may be written out after the lock is
 * released.
 *
 * <p>Thread-safe: every method synchronizes on the list. A list emptied by a pop is <em>dead</em>: it
 * is being removed from the keyspace and takes no more pushes, so that an element pushed by a racing
 * connection is never lost with it (the pusher sees {@link #push} refuse and retries with a new list).
 */
final class ListValue extends Container {

    private static final int INITIAL = 8;

    private byte[][] ring = new byte[INITIAL][];
    private int head;
    private int size;

    /** A live list of {@code values[0, n)}, pushed as {@link #push} would. */
    ListValue(byte[][] values, int n, boolean left, LongAdder used) {
        super(used);
        push(values, n, left);
    }

    /**
     * Pushes {@code values[0, n)} one after the other at the head ({@code left}) or the tail, and returns
     * the new size; or -1 when the list is dead.
     */
    synchronized int push(byte[][] values, int n, boolean left) {
        if (dead) {
            return -1;
        }
        if (size + n > ring.length) {
            resize(size + n);
        }
        for (int i = 0; i < n; i++) {
            if (left) {
                head = (head - 1) & (ring.length - 1);
                ring[head] = values[i];
            } else {
                ring[(head + size) & (ring.length - 1)] = values[i];
            }
            size++;
            wrote(Keyspace.sizeOf(values[i]));
        }
        return size;
    }

    /**
     * Pops up to {@code count} elements from the head ({@code left}) or the tail into {@code into} and
     * returns how many; an emptied list turns dead, and the caller removes it from the keyspace.
     */
    synchronized int pop(boolean left, long count, Elements into) {
        if (dead) {
            return 0; // deleted or overwritten since it was fetched: as if popped after that
        }
        int n = (int) Math.min(count, size);
        byte[][] out = into.capacity(n);
        int mask = ring.length - 1;
        for (int i = 0; i < n; i++) {
            int at = left ? head : (head + size - 1) & mask;
            out[i] = ring[at];
            wrote(-Keyspace.sizeOf(out[i]));
            ring[at] = null;
            if (left) {
                head = (head + 1) & mask;
            }
            size--;
        }
        if (size == 0) {
            dead = true;
        } else if (ring.length > 64 && size < ring.length / 4) {
            resize(size * 2); // a drained queue gives its memory back
        }
        return n;
    }

    /**
     * Copies the elements from {@code start} to {@code stop} (inclusive; negative counts from the end,
     * as {@code LRANGE}) into {@code into}, grown as needed, and returns how many.
     */
    synchronized int range(long start, long stop, Elements into) {
        long from = start < 0 ? Math.max(0, size + start) : start;
        long to = stop < 0 ? size + stop : Math.min(stop, size - 1L);
        if (from > to || from >= size) {
            return 0;
        }
        int n = (int) (to - from + 1);
        byte[][] out = into.capacity(n);
        int mask = ring.length - 1;
        for (int i = 0; i < n; i++) {
            out[i] = ring[(head + (int) from + i) & mask];
        }
        return n;
    }

    synchronized int size() {
        return size;
    }

    /** Moves to the smallest power of two that holds {@code needed}, unrolling the ring to index 0. */
    private void resize(int needed) {
        int capacity = Integer.highestOneBit(Math.max(needed, INITIAL) - 1) << 1;
        if (capacity <= 0) {
            throw new IllegalStateException("list of " + needed + " elements is too long");
        }
        byte[][] next = new byte[capacity][];
        int mask = ring.length - 1;
        for (int i = 0; i < size; i++) {
            next[i] = ring[(head + i) & mask];
        }
        ring = next;
        head = 0;
    }
}
