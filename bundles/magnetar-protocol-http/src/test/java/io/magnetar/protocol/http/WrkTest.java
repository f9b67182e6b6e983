package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wrk}, a real HTTP load generator, against {@code GET /plaintext}: it must get only 2xx and no
 * socket errors. Requests per second are printed, not asserted. Skipped when wrk is not installed,
 * unless {@code MAGNETAR_REQUIRE_PEERS=1} (CI installs it).
 */
class WrkTest {

    private static final Path WRK = Path.of("/usr/bin/wrk");

    private TestServer http;

    @BeforeEach
    void start() throws Exception {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        assumeTrue(
                Files.isExecutable(WRK) || required,
                "wrk is not installed (.ci/run installs it and sets MAGNETAR_REQUIRE_PEERS=1)");
        http = new TestServer(Router.defaults(), HttpLimits.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void wrkGetsOnlySuccessfulResponsesWithoutSocketErrors() throws Exception {
        String out = wrk("-t1", "-c4", "-d1s", url());

        assertThat(requests(out)).as(out).isPositive();
        assertThat(out).doesNotContain("Socket errors").doesNotContain("Non-2xx");
        System.out.println("wrk -t1 -c4 -d1s /plaintext: " + rate(out) + " requests/s");
    }

    @Test
    void wrkPipeliningSixteenDeepGetsOnlySuccessfulResponses(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("pipeline.lua");
        // Sixteen requests in one write per round trip, as the TechEmpower plaintext test does.
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "init = function(args)",
                        "  local batch = {}",
                        "  for i = 1, 16 do batch[i] = wrk.format(nil, wrk.path) end",
                        "  pipelined = table.concat(batch)",
                        "end",
                        "request = function() return pipelined end",
                        ""));

        String out = wrk("-t1", "-c64", "-d1s", "-s", script.toString(), url());

        assertThat(requests(out)).as(out).isPositive();
        assertThat(out).doesNotContain("Socket errors").doesNotContain("Non-2xx");
        System.out.println("wrk -t1 -c64 -d1s pipelined x16 /plaintext: " + rate(out) + " requests/s");
    }

    private String url() {
        return "http://127.0.0.1:" + http.port + "/plaintext";
    }

    private static String wrk(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(WRK.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static long requests(String out) {
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String rate(String out) {
        Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        return m.find() ? m.group(1) : "?";
    }
}
