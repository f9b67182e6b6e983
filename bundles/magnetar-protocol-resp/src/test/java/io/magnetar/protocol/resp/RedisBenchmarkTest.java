package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis-benchmark}, redis's own load generator, against the Magnetar RESP server, pipelining 16
 * deep: every test must complete with a rate and no error. Rates are printed, not asserted (they depend
 * on the machine). Skipped when redis-benchmark is not installed, unless {@code MAGNETAR_REQUIRE_PEERS=1}.
 */
class RedisBenchmarkTest {

    private static final Pattern RATE =
            Pattern.compile("^([A-Z_]+(?: \\(\\d+ keys\\))?): ([\\d.]+) requests per second");
    private static final String[] TESTS = {
        "PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "LPOP", "MSET (10 keys)"
    };

    private Path benchmark;
    private MagnetarRespServer resp;

    @BeforeEach
    void start() throws Exception {
        benchmark = Peers.require("redis-benchmark");
        resp = new MagnetarRespServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (resp != null) {
            resp.close();
        }
    }

    @Test
    void everyTestCompletesWithARateAndNoError() throws Exception {
        Peers.Result r = Peers.run(
                benchmark,
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(resp.port),
                "-t",
                "ping,set,get,incr,lpush,lpop,mset",
                "-n",
                "2000",
                "-P",
                "16",
                "-q");

        Map<String, Double> rates = rates(r.output());
        System.out.println("redis-benchmark -n 2000 -P 16 -q against Magnetar (requests/s, noisy): " + rates);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContainIgnoringCase("error").doesNotContain("WARN");
        assertThat(rates.keySet()).as(r.output()).containsExactly(TESTS);
        assertThat(rates.values()).allSatisfy(rate -> assertThat(rate).isPositive());
        assertThat(resp.store.size())
                .as("SET, INCR and MSET keys stay; LPOP emptied the list")
                .isPositive();
    }

    /** The final line of each test ("SET: 123456.79 requests per second, p50=..."), progress lines skipped. */
    static Map<String, Double> rates(String output) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String line : output.split("[\r\n]+")) {
            Matcher m = RATE.matcher(line.trim());
            if (m.find()) {
                rates.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return rates;
    }
}
