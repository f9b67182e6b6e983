package io.magnetar.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The soak's heap figures: heap after a full GC at the end of the warm-up and every few seconds after it,
 * all taken under the same load, so that growth between them is what the traffic retains rather than
 * what the first seconds cost once. Optionally the live class histogram at the first and last sample.
 * Taken and printed by the main thread.
 */
final class HeapSamples {

    private final List<String> samples = new ArrayList<>();
    private long first;
    private long last;
    private long min = Long.MAX_VALUE;
    private long max;
    private long measuredSeconds;
    private Map<String, Long> classesFirst = Map.of();
    private Map<String, Long> classesLast = Map.of();

    private HeapSamples() {}

    /**
     * Samples from {@code warmEnd} (a {@link System#nanoTime()} value) every {@code every} seconds, the
     * last one second before the load stops at {@code warmEnd + seconds}; blocks until then.
     */
    static HeapSamples take(long warmEnd, long seconds, long every, boolean histogram) throws InterruptedException {
        HeapSamples h = new HeapSamples();
        waitUntil(warmEnd);
        h.first = h.sample();
        h.last = h.first;
        h.classesFirst = histogram ? HeapProbe.liveBytesPerClass() : Map.of();
        h.samples.add(String.format("%,d", h.first));
        long lastAt = seconds - 1; // while every client still runs
        for (long at = every; at < lastAt; at += every) {
            waitUntil(warmEnd + at * 1_000_000_000L);
            h.last = h.sample();
            h.samples.add(String.format("+%d s %,d", at, h.last));
        }
        if (lastAt > 0) {
            waitUntil(warmEnd + lastAt * 1_000_000_000L);
            h.last = h.sample();
            h.classesLast = histogram ? HeapProbe.liveBytesPerClass() : Map.of();
            h.samples.add(String.format("+%d s %,d", lastAt, h.last));
            h.measuredSeconds = lastAt;
        }
        return h;
    }

    private long sample() {
        long used = HeapProbe.heapAfterFullGc();
        min = Math.min(min, used);
        max = Math.max(max, used);
        return used;
    }

    void print(long warmupSeconds) {
        System.out.printf(
                "  heap after full GC under load, from the end of the %d s warm-up on (JIT, class loading,"
                        + " buffers and pools reaching their working size happen before): %s bytes%n",
                warmupSeconds, String.join(", ", samples));
        // The samples differ by what the open connections hold at that instant; growth smaller than that
        // spread is no growth.
        System.out.printf(
                "  growth under load after the warm-up: %+,d bytes in %d s (samples spread over %,d bytes:"
                        + " what open connections hold at each instant)%n",
                last - first, measuredSeconds, max - min);
        if (!classesLast.isEmpty()) {
            System.out.println("  classes whose live bytes grew most after the warm-up (the first histogram, held for"
                    + " this comparison, adds ~150 KB of String, HashMap$Node, Long and byte[]):");
            for (String line : HeapProbe.topGrowth(classesFirst, classesLast, 12)) {
                System.out.println("    " + line);
            }
        }
    }

    /** Blocks until {@code deadline}, a {@link System#nanoTime()} value: the soak's clock, not a handshake. */
    private static void waitUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }
}
