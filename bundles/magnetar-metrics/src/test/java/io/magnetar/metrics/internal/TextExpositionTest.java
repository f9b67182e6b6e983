package io.magnetar.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.metrics.MetricSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0, as their specifications spell them. */
class TextExpositionTest {

    private static final MetricSource ENDPOINTS = out -> {
        out.counter("requests_total", "Requests.", 42, "endpoint", "echo", "transport", "tcp");
        out.counter("requests_total", "Requests.", 7, "endpoint", "http", "transport", "tls");
        out.gauge("connections_open", "Open.", 3, "endpoint", "echo");
        out.counter("loop_busy_seconds_total", "Busy.", 0.25, "loop", "l-0");
    };

    @Test
    void prometheusTextHasOneHelpAndTypePerFamilyAndEverySample() {
        String text = TextExposition.render(List.of(ENDPOINTS), false);
        assertThat(text).isEqualTo("""
                # HELP magnetar_requests_total Requests.
                # TYPE magnetar_requests_total counter
                magnetar_requests_total{endpoint="echo",transport="tcp"} 42
                magnetar_requests_total{endpoint="http",transport="tls"} 7
                # HELP magnetar_connections_open Open.
                # TYPE magnetar_connections_open gauge
                magnetar_connections_open{endpoint="echo"} 3
                # HELP magnetar_loop_busy_seconds_total Busy.
                # TYPE magnetar_loop_busy_seconds_total counter
                magnetar_loop_busy_seconds_total{loop="l-0"} 0.25
                """);
    }

    @Test
    void openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEof() {
        String text = TextExposition.render(List.of(ENDPOINTS), true);
        assertThat(text)
                .startsWith("# TYPE magnetar_requests counter\n# HELP magnetar_requests Requests.\n"
                        + "magnetar_requests_total{endpoint=\"echo\",transport=\"tcp\"} 42\n");
        assertThat(text).endsWith("\n# EOF\n");
    }

    @Test
    void openMetricsGivesTypeThenUnitThenHelpAndTheUnitOnlyWhenTheNameEndsWithIt() {
        String text = TextExposition.render(List.of(ENDPOINTS), true);
        assertThat(text).contains("""
                        # TYPE magnetar_loop_busy_seconds counter
                        # UNIT magnetar_loop_busy_seconds seconds
                        # HELP magnetar_loop_busy_seconds Busy.
                        magnetar_loop_busy_seconds_total{loop="l-0"} 0.25
                        """).contains("""
                        # TYPE magnetar_connections_open gauge
                        # HELP magnetar_connections_open Open.
                        """);
        MetricSource bytes = out -> {
            out.counter("bytes_sent_total", "Sent.", 10);
            out.gauge("buffer_bytes", "Buffered.", 5);
            out.histogram("payload_bytes", "Sizes.", new double[] {1024}, new long[] {1, 0}, 3);
        };
        assertThat(TextExposition.render(List.of(bytes), true))
                .contains("# TYPE magnetar_bytes_sent counter\n# HELP magnetar_bytes_sent Sent.\n")
                .contains("# TYPE magnetar_buffer_bytes gauge\n# UNIT magnetar_buffer_bytes bytes\n")
                .contains("# TYPE magnetar_payload_bytes histogram\n# UNIT magnetar_payload_bytes bytes\n");
    }

    @Test
    void histogramBucketsAreCumulativeWithInfSumAndCount() {
        MetricSource s = out -> out.histogram(
                "request_seconds", "Latency.", new double[] {0.001, 0.01}, new long[] {5, 3, 2}, 0.125, "route", "/a");
        assertThat(TextExposition.render(List.of(s), false)).isEqualTo("""
                # HELP magnetar_request_seconds Latency.
                # TYPE magnetar_request_seconds histogram
                magnetar_request_seconds_bucket{route="/a",le="0.001"} 5
                magnetar_request_seconds_bucket{route="/a",le="0.01"} 8
                magnetar_request_seconds_bucket{route="/a",le="+Inf"} 10
                magnetar_request_seconds_sum{route="/a"} 0.125
                magnetar_request_seconds_count{route="/a"} 10
                """);
    }

    /** The bounds of {@code http_request_duration_seconds}, 100 µs to 10 s. */
    private static final double[] HTTP_BOUNDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    @Test
    void bucketBoundsAreCanonicalNumbersInBothFormats() {
        long[] counts = new long[HTTP_BOUNDS.length + 1];
        MetricSource s = out -> out.histogram("d_seconds", "D.", HTTP_BOUNDS, counts, 0, "route", "/");
        String expected = "0.0001 0.00025 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1.0 2.5 5.0 10.0 +Inf";
        assertThat(leValues(TextExposition.render(List.of(s), false))).isEqualTo(expected);
        assertThat(leValues(TextExposition.render(List.of(s), true))).isEqualTo(expected);
    }

    @Test
    void boundsAreRenderedAsTheOpenMetricsCanonicalExamples() {
        // OpenMetrics 1.0, "Considerations: Canonical Numbers": Go's %g, with .0 when there is no point.
        assertThat(les(0.0, 0.001, 0.002, 0.01, 0.1, 0.9, 0.95, 0.99, 0.999, 1.0, 1.7, 10.0))
                .isEqualTo("0.0 0.001 0.002 0.01 0.1 0.9 0.95 0.99 0.999 1.0 1.7 10.0 +Inf");
        assertThat(les(1e-10, 1e-9, 1e-5, 1e-4, 0.1, 1.0, 100000.0, 1e6, 1e10))
                .isEqualTo("1e-10 1e-09 1e-05 0.0001 0.1 1.0 100000.0 1e+06 1e+10 +Inf");
        assertThat(les(-2.0, -0.5, 2.5e-5, 123456.0, 1.5e100)).isEqualTo("-2.0 -0.5 2.5e-05 123456.0 1.5e+100 +Inf");
    }

    @Test
    void changedBoundsUnderTheSameNameAreRenderedAnew() {
        assertThat(les(1, 2)).isEqualTo("1.0 2.0 +Inf");
        assertThat(les(1, 3)).isEqualTo("1.0 3.0 +Inf");
        double[] bounds = {0.5};
        assertThat(les(bounds)).isEqualTo("0.5 +Inf");
        bounds[0] = 0.25;
        assertThat(les(bounds)).isEqualTo("0.25 +Inf");
    }

    /** The {@code le} values of a histogram with {@code bounds}, space-separated, in both formats alike. */
    private static String les(double... bounds) {
        MetricSource s = out -> out.histogram("h", "H.", bounds, new long[bounds.length + 1], 0);
        String prometheus = leValues(TextExposition.render(List.of(s), false));
        assertThat(leValues(TextExposition.render(List.of(s), true))).isEqualTo(prometheus);
        return prometheus;
    }

    private static String leValues(String text) {
        StringBuilder les = new StringBuilder();
        Matcher m = Pattern.compile("le=\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            les.append(les.length() > 0 ? " " : "").append(m.group(1));
        }
        return les.toString();
    }

    @Test
    void openMetricsOutputParsesAsOpenMetrics() {
        MetricSource s = out -> {
            ENDPOINTS.collect(out);
            long[] counts = {0, 1, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
            out.histogram("request_seconds", "Latency.", HTTP_BOUNDS, counts, 31.5, "r", "/");
            out.histogram("request_seconds", "Latency.", HTTP_BOUNDS, counts, 31.5, "r", "/b");
            out.gauge("pool_size", "Size.", 4, "pool", "p");
        };
        OpenMetricsCheck.assertValid(TextExposition.render(List.of(s), true));
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        MetricSource s = out -> out.gauge("g", "a \\ b\nc", 1, "path", "/a\"b\\c\nd");
        assertThat(TextExposition.render(List.of(s), false)).isEqualTo("""
                # HELP magnetar_g a \\\\ b\\nc
                # TYPE magnetar_g gauge
                magnetar_g{path="/a\\"b\\\\c\\nd"} 1
                """);
    }

    @Test
    void aSourceThatThrowsIsSkippedAndTheOthersStillRender() {
        MetricSource broken = out -> {
            throw new IllegalStateException("gone");
        };
        String text = TextExposition.render(List.of(broken, ENDPOINTS), false);
        assertThat(text)
                .contains("magnetar_requests_total{endpoint=\"echo\",transport=\"tcp\"} 42")
                .contains("# collecting failed:")
                .contains("gone");
    }

    @Test
    void numbersAreIntegersWhenIntegralAndSpecialValuesAsTheFormatSpellsThem() {
        assertThat(TextExposition.number(3)).isEqualTo("3");
        assertThat(TextExposition.number(0.5)).isEqualTo("0.5");
        assertThat(TextExposition.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(TextExposition.number(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void readinessJsonNamesWhatIsNotReady() {
        assertThat(MetricsComponent.readyJson(List.of())).isEqualTo("{\"status\":\"READY\",\"notReady\":[]}\n");
        assertThat(MetricsComponent.readyJson(List.of("endpoint \"x\" is WAITING")))
                .isEqualTo("{\"status\":\"NOT_READY\",\"notReady\":[\"endpoint \\\"x\\\" is WAITING\"]}\n");
    }
}
