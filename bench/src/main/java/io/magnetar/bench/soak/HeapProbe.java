package io.magnetar.bench.soak;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Live-heap figures for the soak: the heap used after a full GC, and the live class histogram (what
 * {@code jcmd <pid> GC.class_histogram} prints) so that two points in time can be compared class by class.
 * Thread-safe.
 */
final class HeapProbe {

    private HeapProbe() {}

    /** Heap used after full collections, in bytes. */
    static long heapAfterFullGc() {
        // Several rounds: a first collection may only make objects with finalizers or cleaners collectable.
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Bytes held per class by live objects (a full GC runs first). */
    static Map<String, Long> liveBytesPerClass() {
        String text;
        try {
            ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
            text = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(diagnostics, "gcClassHistogram", new Object[] {new String[0]}, new String[] {
                        String[].class.getName()
                    });
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram from this JVM", e);
        }
        Map<String, Long> bytes = new HashMap<>();
        for (String line : text.split("\n")) {
            // "   1:         12345        6789012  java.lang.String (java.base@17)"
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    /** The {@code n} classes whose live bytes grew most from {@code before} to {@code after}, formatted. */
    static List<String> topGrowth(Map<String, Long> before, Map<String, Long> after, int n) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        before.forEach((k, v) -> delta.putIfAbsent(k, -v));
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(delta.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(n, sorted.size()))) {
            lines.add(String.format("%+,12d bytes  %s", e.getValue(), e.getKey()));
        }
        return lines;
    }
}
