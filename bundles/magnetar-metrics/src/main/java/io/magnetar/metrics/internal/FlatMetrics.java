package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A source's metrics as flat name → value pairs, for JMX attributes: the name is the metric's, followed
 * by the values of the labels that tell its samples apart (a loop's name, a route), dotted; the labels
 * every sample of an endpoint carries ({@code endpoint}, {@code transport}, {@code protocol}) are left
 * out, being the MBean's name already. A histogram gives its {@code _count} and {@code _sum}.
 *
 * <p>Not thread-safe: one instance per read.
 */
final class FlatMetrics implements MetricWriter {

    private static final Set<String> IN_MBEAN_NAME = Set.of("endpoint", "transport", "protocol");

    final Map<String, Double> values = new LinkedHashMap<>();
    final Map<String, String> help = new LinkedHashMap<>();

    static FlatMetrics of(MetricSource source) {
        FlatMetrics f = new FlatMetrics();
        source.collect(f);
        return f;
    }

    @Override
    public void counter(String name, String description, double value, String... labels) {
        put(name, description, value, labels);
    }

    @Override
    public void gauge(String name, String description, double value, String... labels) {
        put(name, description, value, labels);
    }

    @Override
    public void histogram(
            String name, String description, double[] upperBounds, long[] counts, double sum, String... labels) {
        long count = 0;
        for (long c : counts) {
            count += c;
        }
        put(name + "_count", description + " (observations)", (double) count, labels);
        put(name + "_sum", description + " (sum)", sum, labels);
    }

    private void put(String name, String description, double value, String[] labels) {
        StringBuilder key = new StringBuilder(name);
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!IN_MBEAN_NAME.contains(labels[i])) {
                key.append('.').append(labels[i + 1]);
            }
        }
        String k = key.toString();
        values.merge(k, value, Double::sum);
        help.putIfAbsent(k, description);
    }
}
