package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders metric sources as the Prometheus text format 0.0.4, or as OpenMetrics 1.0 text: one family per
 * name (its metadata once, whatever sources report it), names prefixed {@code magnetar_}, label values and
 * help escaped as the formats require. Metadata comes in each format's order: {@code # HELP}, {@code # TYPE}
 * for 0.0.4; {@code # TYPE}, {@code # UNIT}, {@code # HELP} for OpenMetrics.
 *
 * <p>Not thread-safe: one instance per scrape.
 */
final class TextExposition implements MetricWriter {

    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PREFIX = "magnetar_";

    /**
     * The base units a family name may end with. {@link MetricWriter} has no unit: its names say it (as
     * {@code _seconds}), and OpenMetrics requires a unit to be the name's suffix, so a suffix from this list
     * is the unit and a name without one has none.
     */
    private static final String[] UNITS = {
        "seconds", "bytes", "ratio", "meters", "grams", "joules", "volts", "amperes", "celsius"
    };

    private static final String[] UNIT_SUFFIXES =
            Arrays.stream(UNITS).map(u -> "_" + u).toArray(String[]::new);

    private final boolean openMetrics;
    private final Map<String, Family> families = new LinkedHashMap<>();

    TextExposition(boolean openMetrics) {
        this.openMetrics = openMetrics;
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
        String[] les = BucketBounds.les(name, upperBounds);
        long cumulative = 0;
        for (int i = 0; i < upperBounds.length; i++) {
            cumulative += counts[i];
            f.sample(PREFIX + name + "_bucket", labels, les[i], (double) cumulative);
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
            if (openMetrics) {
                type(b, f);
                String unit = unit(f.name);
                if (unit != null) {
                    b.append("# UNIT ").append(f.name).append(' ').append(unit).append('\n');
                }
                help(b, f);
            } else {
                help(b, f);
                type(b, f);
            }
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

    private static void help(StringBuilder b, Family f) {
        b.append("# HELP ")
                .append(f.name)
                .append(' ')
                .append(escapeHelp(f.help))
                .append('\n');
    }

    private static void type(StringBuilder b, Family f) {
        b.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
    }

    /** The unit {@code family} (an OpenMetrics family name, so without {@code _total}) ends with, or null. */
    static String unit(String family) {
        for (int i = 0; i < UNITS.length; i++) {
            if (family.endsWith(UNIT_SUFFIXES[i])) {
                return UNITS[i];
            }
        }
        return null;
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
