package io.magnetar.protocol.http.internal;

import io.magnetar.api.metrics.MetricWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests of one route (its path pattern, as registered): how many got each status class, and how long
 * they took from their first byte read to their response, in fixed buckets. Kept per pattern for the
 * bundle's life, so a route rebuilt by a whiteboard change keeps counting. Recording is lock-free and
 * allocates nothing once warm (striped adders: each loop thread settles on its own cell).
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

    // After the bounds: constructing one reads them.
    /** Requests no route took: 404, 405, 501, and those refused before routing (400, 413, 431 ...). */
    public static final RouteMetrics UNMATCHED = of("unmatched");

    private final String route;
    private final LongAdder[] byClass = adders(CLASSES.length);
    private final LongAdder[] buckets = adders(BOUNDS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    private RouteMetrics(String route) {
        this.route = route;
    }

    /** The metrics of the route registered as {@code pattern} ({@code /hello}, {@code /api/*}). */
    public static RouteMetrics of(String pattern) {
        return ALL.computeIfAbsent(pattern, RouteMetrics::new);
    }

    /** One request answered with {@code status}, {@code nanos} after its first byte was read. */
    public void record(int status, long nanos) {
        int c = status / 100 - 1;
        if (c >= 0 && c < CLASSES.length) {
            byClass[c].increment();
        }
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(nanos);
    }

    /** Every route's requests by status class and its latency histogram, labelled {@code route}. */
    public static void collectAll(MetricWriter out) {
        for (RouteMetrics m : ALL.values()) {
            long[] counts = new long[m.buckets.length];
            long total = 0;
            for (int i = 0; i < counts.length; i++) {
                counts[i] = m.buckets[i].sum();
                total += counts[i];
            }
            if (total == 0) {
                continue; // a route never requested says nothing yet
            }
            for (int c = 0; c < CLASSES.length; c++) {
                out.counter(
                        "http_requests_total",
                        "HTTP requests answered, by route and status class.",
                        m.byClass[c].sum(),
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
                    m.sumNanos.sum() / 1e9,
                    "route",
                    m.route);
        }
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
