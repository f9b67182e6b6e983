package io.magnetar.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an OpenMetrics 1.0 text exposition as strictly as its specification reads, for the rules a string
 * comparison would not catch: metadata order (TYPE, UNIT, HELP, each once), a unit that ends the family
 * name, sample names that belong to their family's type, families not interleaved, canonical {@code le}
 * values, cumulative buckets ending in {@code +Inf} and matching {@code _count}, and the final EOF.
 */
final class OpenMetricsCheck {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern META = Pattern.compile("# (TYPE|UNIT|HELP) (" + NAME + ") (.*)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[n\"\\\\])*)\"");
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(?i:inf|infinity)|(?i:nan)");
    private static final Pattern CANONICAL = Pattern.compile("-?\\d+\\.\\d+|-?\\d(\\.\\d+)?e[+-]\\d{2,3}|\\+Inf");
    private static final Map<String, List<String>> SUFFIXES = Map.of(
            "counter", List.of("_total", "_created"),
            "gauge", List.of(""),
            "histogram", List.of("_bucket", "_count", "_sum", "_created"));

    private OpenMetricsCheck() {}

    static void assertValid(String text) {
        assertThat(text).endsWith("# EOF\n").doesNotContain("\r");
        String[] lines = text.substring(0, text.length() - "# EOF\n".length()).split("\n", -1);
        Set<String> families = new HashSet<>();
        String family = null;
        String type = null;
        String lastMeta = null;
        boolean samplesSeen = false;
        Map<String, Double> lastBucket = new HashMap<>();
        Map<String, Double> infBucket = new HashMap<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue; // only the split's tail: the text ends with "\n# EOF\n"
            }
            Matcher meta = META.matcher(line);
            if (meta.matches()) {
                String kind = meta.group(1);
                String name = meta.group(2);
                if (!name.equals(family)) {
                    assertThat(kind).as("first metadata of %s", name).isEqualTo("TYPE");
                    assertThat(families.add(name)).as("family %s once", name).isTrue();
                    family = name;
                    samplesSeen = false;
                    type = meta.group(3);
                    assertThat(SUFFIXES).as("type of %s", name).containsKey(type);
                } else {
                    assertThat(samplesSeen)
                            .as("metadata of %s after its samples", name)
                            .isFalse();
                    assertThat(order(kind))
                            .as("%s after %s for %s", kind, lastMeta, name)
                            .isGreaterThan(order(lastMeta));
                }
                if (kind.equals("UNIT")) {
                    assertThat(name).as("unit %s ends the name", meta.group(3)).endsWith("_" + meta.group(3));
                }
                lastMeta = kind;
                continue;
            }
            assertThat(line).as("no other comment lines").doesNotStartWith("#");
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("sample line: %s", line).isTrue();
            assertThat(family).as("a family before %s", line).isNotNull();
            String suffix = sample.group(1).startsWith(family) ? sample.group(1).substring(family.length()) : null;
            assertThat(SUFFIXES.get(type))
                    .as("%s in %s family %s", sample.group(1), type, family)
                    .contains(suffix);
            assertThat(sample.group(4)).as("value of %s", line).matches(NUMBER);
            samplesSeen = true;
            String le = labels(sample.group(3), line);
            if (suffix.equals("_bucket")) {
                assertThat(le).as("le of %s", line).isNotNull().matches(CANONICAL);
                String series = family + sample.group(3).replaceFirst(",?le=\"[^\"]*\"", "");
                double count = Double.parseDouble(sample.group(4));
                assertThat(count)
                        .as("cumulative: %s", line)
                        .isGreaterThanOrEqualTo(lastBucket.getOrDefault(series, 0.0));
                lastBucket.put(series, count);
                if (le.equals("+Inf")) {
                    infBucket.put(series, count);
                }
            } else if (suffix.equals("_count")) {
                String series = family + (sample.group(3) == null ? "" : sample.group(3));
                assertThat(infBucket.get(series))
                        .as("+Inf bucket equals %s", line)
                        .isEqualTo(Double.parseDouble(sample.group(4)));
            }
        }
    }

    /** Checks the label syntax; the value of {@code le}, or null. */
    private static String labels(String labels, String line) {
        if (labels == null || labels.isEmpty()) {
            return null;
        }
        String le = null;
        Matcher m = LABEL.matcher(labels);
        int at = 0;
        while (m.find() && m.start() == at) {
            if (m.group(1).equals("le")) {
                le = m.group(2);
            }
            at = m.end();
            if (at < labels.length()) {
                assertThat(labels.charAt(at)).as("label separator in %s", line).isEqualTo(',');
                at++;
            }
        }
        if (at != labels.length()) {
            fail("labels do not parse at " + at + ": " + line);
        }
        return le;
    }

    private static int order(String kind) {
        return kind == null ? 0 : List.of("TYPE", "UNIT", "HELP").indexOf(kind) + 1;
    }
}
