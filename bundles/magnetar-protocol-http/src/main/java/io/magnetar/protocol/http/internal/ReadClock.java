package io.magnetar.protocol.http.internal;

import io.magnetar.api.EventLoop;

/**
 * The clock of one connection's reads. Read once when a read begins, it stands for "now" in everything
 * that read causes (the requests of a pipelined batch all arrived then); the latency of the requests
 * answered within the read is recorded with one more reading when the read ends. On a pipelined stream
 * the clock (a vDSO call that costs on a virtual machine about as much as parsing a request) was read
 * three times per request before. At most {@link #CAPACITY} answered requests wait; a full batch is
 * recorded at once.
 *
 * <p>Confined to its connection's event loop.
 */
public final class ReadClock {

    private static final int CAPACITY = 16;
    private static final long NONE = Long.MIN_VALUE;

    private final RouteMetrics.Cell[] cells = new RouteMetrics.Cell[CAPACITY];
    private final int[] statuses = new int[CAPACITY];
    private final long[] starts = new long[CAPACITY];
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
        if (count == CAPACITY) {
            record(loop.time());
        }
        cells[count] = cell;
        statuses[count] = status;
        starts[count] = start;
        count++;
    }

    private void record(long now) {
        for (int i = 0; i < count; i++) {
            cells[i].record(statuses[i], now - starts[i]);
            cells[i] = null;
        }
        count = 0;
    }
}
