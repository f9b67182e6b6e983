package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code curl} against a Magnetar http endpoint, as an operator's probe or scraper would, and a parser
 * of the Prometheus text format that also checks what the format requires of each line.
 */
final class Scrape {

    private Scrape() {}

    /** {@code curl -s -i} of {@code url} with extra arguments: status line, headers and body, as curl printed them. */
    static String curl(String url, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-i", "--max-time", "10"));
        command.addAll(List.of(extra));
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out.replace("\r\n", "\n");
    }

    static int status(String curlOutput) {
        return Integer.parseInt(curlOutput.split(" ", 3)[1]);
    }

    static String body(String curlOutput) {
        int i = curlOutput.indexOf("\n\n");
        return i < 0 ? "" : curlOutput.substring(i + 2);
    }

    /**
     * The samples of a Prometheus 0.0.4 text body, {@code name{labels}} to value, after checking every line:
     * comments are {@code # HELP} or {@code # TYPE}, each family has its TYPE before its samples and only
     * once, and every value parses.
     */
    static Map<String, Double> samples(String body) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                assertThat(line).matches("# (HELP|TYPE) magnetar_[a-z_]+ .*");
                if (line.startsWith("# TYPE ")) {
                    String family = line.split(" ")[2];
                    assertThat(typed.add(family))
                            .as("one TYPE line for " + family)
                            .isTrue();
                    assertThat(line.split(" ")[3]).isIn("counter", "gauge", "histogram");
                }
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            String metric = name.contains("{") ? name.substring(0, name.indexOf('{')) : name;
            assertThat(typed.stream().anyMatch(f -> metric.equals(f) || metric.startsWith(f + "_")))
                    .as("TYPE before sample " + line)
                    .isTrue();
            String v = line.substring(space + 1);
            samples.put(name, v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v));
        }
        return samples;
    }
}
