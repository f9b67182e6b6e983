package io.magnetar.protocol.resp.internal;

/**
 * A connection's reusable array of element references: values to push, popped values, a range to
 * write out. It grows to the largest use and shrinks back after an unusually large one, so that
 * ordinary commands allocate nothing for it.
 *
 * <p>Confined to its connection's event loop.
 */
final class Elements {

    private static final int INITIAL = 16;
    private static final int RETAIN = 1024;

    private byte[][] array = new byte[INITIAL][];

    /** The array, with room for at least {@code n} references. */
    byte[][] capacity(int n) {
        if (n > array.length) {
            array = new byte[Math.max(n, array.length * 2)][];
        }
        return array;
    }

    /** Drops the references of the last use (the values may be large) and a grown array. */
    void release(int used) {
        if (array.length > RETAIN) {
            array = new byte[INITIAL][];
        } else {
            java.util.Arrays.fill(array, 0, Math.min(used, array.length), null);
        }
    }
}
