package io.magnetar.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.metrics.MetricSource;
import java.util.List;
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
                .startsWith("# HELP magnetar_requests Requests.\n# TYPE magnetar_requests counter\n"
                        + "magnetar_requests_total{endpoint=\"echo\",transport=\"tcp\"} 42\n");
        assertThat(text)
                .contains(
                        "# TYPE magnetar_loop_busy_seconds counter\nmagnetar_loop_busy_seconds_total{loop=\"l-0\"} 0.25\n");
        assertThat(text).endsWith("\n# EOF\n");
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
