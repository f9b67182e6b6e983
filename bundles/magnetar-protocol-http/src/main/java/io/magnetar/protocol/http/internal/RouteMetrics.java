package io.magnetar.protocol.http.internal;

import io.magnetar.api.metrics.MetricWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Requests of one route (its path pattern, as registered): how many got each status class, and how long
 * they took from their first byte read to their response, in fixed buckets. Kept per pattern for the
 * bundle's life, so a route rebuilt by a whiteboard change keeps counting. Each thread that records
 * (a loop, mostly) writes only its own cell, without atomic instructions (a lock-prefixed add per
 * counter cost more than the rest of the recording); readers sum the cells. Allocates nothing once a
 * thread has its cell.
 *
 * <p>Thread-safe.
 */
public final class RouteMetrics {

    private static final Map<String, RouteMetrics> ALL = new ConcurrentHashMap<>();

    /** Bucket bounds, seconds: 100 µs to 10 s. */
    static final double[] BOUNDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = (long) (BOUNDS[i] * 1e9);
        }
    }

    /** Opaque access to cell elements: single writer, readers on other threads. */
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    /** A cell's own longs sit between pads, so two threads' cells never share a cache line. */
    private static final int PAD = 8;

    private static final int CLASS_AT = PAD;
    private static final int BUCKET_AT = CLASS_AT + CLASSES.length;
    private static final int SUM_AT = BUCKET_AT + BOUNDS.length + 1;
    private static final int CELL_LONGS = SUM_AT + 1 + PAD;

    // After the bounds: constructing one reads them.
    /** Requests no route took: 404, 405, 501, and those refused before routing (400, 413, 431 ...). */
    public static final RouteMetrics UNMATCHED = of("unmatched");

    private final String route;
    /**
     * Every thread's cell, kept after the thread ends: counts only grow. Found by the thread's id rather than
     * a {@code ThreadLocal}, whose value (a cell, of this bundle's class) would keep the bundle's class loader
     * on every loop thread after an update of the bundle.
     */
    private final List<Cell> cells = new CopyOnWriteArrayList<>();

    /**
     * One thread's counts of this route. A caller confined to one thread (a connection on its loop)
     * keeps it, so recording costs no thread-local lookup.
     *
     * <p>Written only by the thread that took it from {@link #cell()}; read by any.
     */
    public static final class Cell {
        private final long[] counts = new long[CELL_LONGS];
        /** The id of the thread that writes it. */
        private final long owner;

        private Cell(long owner) {
            this.owner = owner;
        }

        /** One request answered with {@code status}, {@code nanos} after its first byte was read; on this cell's thread. */
        public void record(int status, long nanos) {
            int c = status / 100 - 1;
            if (c >= 0 && c < CLASSES.length) {
                add(CLASS_AT + c, 1);
            }
            int i = 0;
            while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
                i++;
            }
            add(BUCKET_AT + i, 1);
            add(SUM_AT, nanos);
        }

        private void add(int i, long n) {
            COUNT.setOpaque(counts, i, (long) COUNT.getOpaque(counts, i) + n);
        }

        long get(int i) {
            return (long) COUNT.getOpaque(counts, i);
        }
    }

    private RouteMetrics(String route) {
        this.route = route;
    }

    /** The metrics of the route registered as {@code pattern} ({@code /hello}, {@code /api/*}). */
    public static RouteMetrics of(String pattern) {
        return ALL.computeIfAbsent(pattern, RouteMetrics::new);
    }

    /** The calling thread's cell of this route (callers keep it: a lookup among the threads' cells). */
    public Cell cell() {
        long me = Thread.currentThread().getId();
        for (int i = 0, n = cells.size(); i < n; i++) {
            Cell c = cells.get(i);
            if (c.owner == me) {
                return c;
            }
        }
        Cell mine = new Cell(me); // only this thread adds its own cell: no other can race it in
        cells.add(mine);
        return mine;
    }

    private long sum(int i) {
        long total = 0;
        for (Cell cell : cells) {
            total += cell.get(i);
        }
        return total;
    }

    /** Every route's requests by status class and its latency histogram, labelled {@code route}. */
    public static void collectAll(MetricWriter out) {
        for (RouteMetrics m : ALL.values()) {
            long[] counts = new long[BOUNDS.length + 1];
            long total = 0;
            for (int i = 0; i < counts.length; i++) {
                counts[i] = m.sum(BUCKET_AT + i);
                total += counts[i];
            }
            if (total == 0) {
                continue; // a route never requested says nothing yet
            }
            for (int c = 0; c < CLASSES.length; c++) {
                out.counter(
                        "http_requests_total",
                        "HTTP requests answered, by route and status class.",
                        m.sum(CLASS_AT + c),
                        "route",
                        m.route,
                        "code",
                        CLASSES[c]);
            }
            out.histogram(
                    "http_request_duration_seconds",
                    "HTTP request time, first byte read to response queued.",
                    BOUNDS,
                    counts,
                    m.sum(SUM_AT) / 1e9,
                    "route",
                    m.route);
        }
    }
}
