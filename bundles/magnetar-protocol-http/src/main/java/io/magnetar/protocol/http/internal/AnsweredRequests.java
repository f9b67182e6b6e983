package io.magnetar.protocol.http.internal;

/**
 * The requests a connection answered within one read, waiting for their latency to be recorded with
 * one clock reading at the end of the read instead of one each: on a pipelined stream the clock (a
 * vDSO call costing about as much as parsing a request on a virtual machine) was read three times per
 * request. Holds at most {@link #CAPACITY}; a full batch is recorded at once.
 *
 * <p>Confined to its connection's event loop.
 */
public final class AnsweredRequests {

    static final int CAPACITY = 16;

    private final RouteMetrics.Cell[] cells = new RouteMetrics.Cell[CAPACITY];
    private final int[] statuses = new int[CAPACITY];
    private final long[] starts = new long[CAPACITY];
    private int count;

    /** Keeps one answered request; false when full ({@link #record} first). */
    public boolean add(RouteMetrics.Cell cell, int status, long start) {
        if (count == CAPACITY) {
            return false;
        }
        cells[count] = cell;
        statuses[count] = status;
        starts[count] = start;
        count++;
        return true;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Records every kept request as answered at {@code now} (loop time) and forgets them. */
    public void record(long now) {
        for (int i = 0; i < count; i++) {
            cells[i].record(statuses[i], now - starts[i]);
            cells[i] = null;
        }
        count = 0;
    }
}
