package io.magnetar.bench.load;

/**
 * Counts latencies in 1 µs buckets up to 100 ms (and one overflow bucket), so that recording is a
 * single array increment on the load generator's hot path. Not thread-safe.
 */
final class LatencyHistogram {

    private static final int MAX_MICROS = 100_000;
    private final long[] counts = new long[MAX_MICROS + 1];
    private long total;

    void record(long nanos) {
        int micros = (int) Math.min(MAX_MICROS, Math.max(0, nanos / 1_000));
        counts[micros]++;
        total++;
    }

    long total() {
        return total;
    }

    /** The latency in µs below which {@code fraction} of the samples lie. */
    long percentileMicros(double fraction) {
        long wanted = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= wanted && wanted > 0) {
                return i;
            }
        }
        return MAX_MICROS;
    }
}
