package io.magnetar.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the metrics of a {@link MetricSource} during {@link MetricSource#collect}. Names are
 * {@code snake_case} without the {@code magnetar_} prefix; a counter's name ends in {@code _total}. Labels
 * come in name, value pairs. The same name must keep the same type and help in one source.
 *
 * <p>Not thread-safe: used by one collecting thread, valid only during the call.
 */
@ProviderType
public interface MetricWriter {

    /** A count that only grows while the process runs. */
    void counter(String name, String help, double value, String... labels);

    /** A count that only grows while the process runs, from a {@code long} counter. */
    default void counter(String name, String help, long value, String... labels) {
        counter(name, help, (double) value, labels);
    }

    /** A value that goes up and down. */
    void gauge(String name, String help, double value, String... labels);

    /** A value that goes up and down, from a {@code long}. */
    default void gauge(String name, String help, long value, String... labels) {
        gauge(name, help, (double) value, labels);
    }

    /**
     * A histogram of observations in seconds (or any unit the name says): {@code counts[i]} observations
     * fell at or under {@code upperBounds[i]} and over the bound before it (not cumulative), and the last
     * entry, {@code counts[upperBounds.length]}, above every bound; {@code sum} of all observations.
     */
    void histogram(String name, String help, double[] upperBounds, long[] counts, double sum, String... labels);
}
