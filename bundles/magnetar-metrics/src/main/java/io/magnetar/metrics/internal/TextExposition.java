package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders metric sources as the Prometheus text format 0.0.4, or as OpenMetrics 1.0 text: one family per
 * name (its {@code # HELP} and {@code # TYPE} once, whatever sources report it), names prefixed
 * {@code magnetar_}, label values and help escaped as the formats require.
 *
 * <p>Not thread-safe: one instance per scrape.
 */
final class TextExposition implements MetricWriter {

    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PREFIX = "magnetar_";

    private final boolean openMetrics;
    private final Map<String, Family> families = new LinkedHashMap<>();

    TextExposition(boolean openMetrics) {
        this.openMetrics = openMetrics;
    }

    /** True when an {@code Accept} header asks for OpenMetrics (Prometheus 2.5+ sends it first). */
    static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }

    /** The whole exposition of {@code sources}; a source that throws is skipped and named in a comment. */
    static String render(Iterable<MetricSource> sources, boolean openMetrics) {
        TextExposition out = new TextExposition(openMetrics);
        List<String> failed = new ArrayList<>();
        for (MetricSource s : sources) {
            try {
                s.collect(out);
            } catch (RuntimeException e) {
                failed.add(s.getClass().getName() + ": " + e);
            }
        }
        return out.text(failed);
    }

    @Override
    public void counter(String name, String help, double value, String... labels) {
        // OpenMetrics names the family without _total and its sample with it; 0.0.4 uses the name as given.
        boolean total = name.endsWith("_total");
        String family = openMetrics && total ? name.substring(0, name.length() - "_total".length()) : name;
        String sample = openMetrics && !total ? name + "_total" : name;
        family(family, "counter", help).sample(PREFIX + sample, labels, null, value);
    }

    @Override
    public void gauge(String name, String help, double value, String... labels) {
        family(name, "gauge", help).sample(PREFIX + name, labels, null, value);
    }

    @Override
    public void histogram(String name, String help, double[] upperBounds, long[] counts, double sum, String... labels) {
        if (counts.length != upperBounds.length + 1) {
            throw new IllegalArgumentException(
                    name + ": " + counts.length + " counts for " + upperBounds.length + " bounds");
        }
        Family f = family(name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < upperBounds.length; i++) {
            cumulative += counts[i];
            f.sample(PREFIX + name + "_bucket", labels, number(upperBounds[i]), (double) cumulative);
        }
        cumulative += counts[upperBounds.length];
        f.sample(PREFIX + name + "_bucket", labels, "+Inf", (double) cumulative);
        f.sample(PREFIX + name + "_sum", labels, null, sum);
        f.sample(PREFIX + name + "_count", labels, null, (double) cumulative);
    }

    private Family family(String name, String type, String help) {
        return families.computeIfAbsent(name, n -> new Family(PREFIX + n, type, help));
    }

    String text(List<String> failed) {
        StringBuilder b = new StringBuilder(4096);
        for (Family f : families.values()) {
            b.append("# HELP ")
                    .append(f.name)
                    .append(' ')
                    .append(escapeHelp(f.help))
                    .append('\n');
            b.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            b.append(f.samples);
        }
        if (!openMetrics) {
            for (String s : failed) {
                b.append("# collecting failed: ").append(s.replace('\n', ' ')).append('\n');
            }
        }
        if (openMetrics) {
            b.append("# EOF\n");
        }
        return b.toString();
    }

    /** One metric family: its samples, already rendered. */
    private static final class Family {
        final String name;
        final String type;
        final String help;
        final StringBuilder samples = new StringBuilder();

        Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        void sample(String sampleName, String[] labels, String le, double value) {
            samples.append(sampleName);
            if (labels.length > 0 || le != null) {
                samples.append('{');
                for (int i = 0; i + 1 < labels.length; i += 2) {
                    if (i > 0) {
                        samples.append(',');
                    }
                    samples.append(labels[i])
                            .append("=\"")
                            .append(escapeLabel(labels[i + 1]))
                            .append('"');
                }
                if (le != null) {
                    samples.append(labels.length > 0 ? "," : "")
                            .append("le=\"")
                            .append(le)
                            .append('"');
                }
                samples.append('}');
            }
            samples.append(' ').append(number(value)).append('\n');
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String escapeLabel(String v) {
        if (v == null) {
            return "";
        }
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
