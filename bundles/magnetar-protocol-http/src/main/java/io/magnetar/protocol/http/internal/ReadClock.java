package io.magnetar.protocol.http.internal;

import io.magnetar.api.EventLoop;

/**
 * The clock of one connection's reads. Read once when a read begins, it stands for "now" in everything
 * that read causes (the requests of a pipelined batch all arrived then); the latency of the requests
 * answered within the read is recorded with one more reading when the read ends. On a pipelined stream
 * the clock (a vDSO call that costs on a virtual machine about as much as parsing a request) was read
 * three times per request before. The first request answered in a read waits in fields, those after it
 * (pipelining) in arrays made the first time a read answers two; at most {@link #CAPACITY} of them wait, a
 * full batch is recorded at once. A connection that is never pipelined keeps no arrays.
 *
 * <p>Confined to its connection's event loop.
 */
public final class ReadClock {

    private static final int CAPACITY = 16;
    private static final long NONE = Long.MIN_VALUE;

    private RouteMetrics.Cell firstCell;
    private int firstStatus;
    private long firstStart;
    private RouteMetrics.Cell[] cells;
    private int[] statuses;
    private long[] starts;
    /** Requests waiting: the first in the fields, the others at {@code [0, count - 1)} of the arrays. */
    private int count;
    /** The loop time when the current read began, or NONE outside a read. */
    private long readTime = NONE;

    /** A read begins: its time is {@code loop}'s now. Returns it. */
    public long readStarted(EventLoop loop) {
        readTime = loop.time();
        return readTime;
    }

    /** The read is over: the requests answered in it are recorded as answered now. */
    public void readEnded(EventLoop loop) {
        readTime = NONE;
        if (count > 0) {
            record(loop.time());
        }
    }

    /** The time of the current read, or outside a read (a timer, an asynchronous answer) the clock itself. */
    public long now(EventLoop loop) {
        return readTime != NONE ? readTime : loop.time();
    }

    /** A request that started at {@code start} was answered with {@code status}: recorded in {@code cell}. */
    public void answered(RouteMetrics.Cell cell, int status, long start, EventLoop loop) {
        if (readTime == NONE) {
            cell.record(status, loop.time() - start);
            return;
        }
        if (count == 1 + CAPACITY) {
            record(loop.time());
        }
        if (count == 0) {
            firstCell = cell;
            firstStatus = status;
            firstStart = start;
            count = 1;
            return;
        }
        if (cells == null) {
            cells = new RouteMetrics.Cell[CAPACITY];
            statuses = new int[CAPACITY];
            starts = new long[CAPACITY];
        }
        int i = count - 1;
        cells[i] = cell;
        statuses[i] = status;
        starts[i] = start;
        count++;
    }

    private void record(long now) {
        firstCell.record(firstStatus, now - firstStart);
        firstCell = null;
        for (int i = 0; i < count - 1; i++) {
            cells[i].record(statuses[i], now - starts[i]);
            cells[i] = null;
        }
        count = 0;
    }
}
