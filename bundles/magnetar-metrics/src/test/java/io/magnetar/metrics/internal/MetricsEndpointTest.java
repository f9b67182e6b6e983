package io.magnetar.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /metrics} as a scraper sees it: which format each {@code Accept} gets (RFC 9110 12.5.1 with
 * q-values, media ranges and case-insensitive names), and the header fields that keep caches honest.
 */
class MetricsEndpointTest {

    private static final String OPEN = TextExposition.OPENMETRICS_TYPE;
    private static final String TEXT = TextExposition.PROMETHEUS_TYPE;

    /** Prometheus 2.x's scrape header, verbatim. */
    static final String PROMETHEUS_2 = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** Prometheus 3.x's scrape header, verbatim (it adds the escaping scheme and text format 1.0.0). */
    static final String PROMETHEUS_3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private final MetricsComponent metrics = new MetricsComponent();

    private HttpResponse scrape(String... accept) {
        return metrics.handle(new Get(MetricsComponent.METRICS, List.of(accept)));
    }

    @Test
    void prometheusScrapersGetOpenMetrics() {
        assertThat(scrape(PROMETHEUS_2).header("Content-Type")).isEqualTo(OPEN);
        assertThat(scrape(PROMETHEUS_3).header("Content-Type")).isEqualTo(OPEN);
        // Prometheus before 2.33 asked for the draft version only.
        assertThat(scrape("application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                        .header("Content-Type"))
                .isEqualTo(OPEN);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // q=0 means "not acceptable" (RFC 9110 12.4.2), not "least preferred".
                "application/openmetrics-text;q=0, text/plain                          | text",
                // The higher weight wins, wherever it stands in the list.
                "text/plain;q=1, application/openmetrics-text;q=0.5                    | text",
                "text/plain;q=0.5, application/openmetrics-text;q=0.9                  | open",
                "text/plain;q=0.5, application/openmetrics-text                        | open",
                // Media types and parameter names are case-insensitive (RFC 9110 8.3.1, 5.6.6).
                "APPLICATION/OPENMETRICS-TEXT                                          | open",
                "Application/OpenMetrics-Text; Version=1.0.0; Q=0.9, text/plain;q=0.8  | open",
                "application/openmetrics-text;q=0.900                                  | open",
                // Quoted parameter values equal their token form.
                "application/openmetrics-text;version=\"1.0.0\"                        | open",
                // A version we do not write is not ours to answer with.
                "application/openmetrics-text;version=2.0.0, text/plain;q=0.1          | text",
                "application/openmetrics-text;version=2.0.0                            | text",
                "text/plain;version=0.0.4;q=0.3, application/openmetrics-text;version=0.0.2;q=0.9 | text",
                // Wildcards: the most specific range that matches sets a format's weight.
                "*/*                                                                   | text",
                "application/*                                                         | open",
                "text/*;q=0.5, application/*                                           | open",
                "text/*, application/openmetrics-text;q=0.5                            | text",
                "*/*;q=0.1, application/openmetrics-text                               | open",
                "application/openmetrics-text;q=0, */*                                 | text",
                "text/plain;q=0, */*                                                   | open",
                // Equal weight: the more specific match wins, else the text format.
                "application/openmetrics-text, text/plain                              | text",
                "text/plain, application/openmetrics-text                              | text",
                "application/openmetrics-text, */*                                     | open",
                "application/openmetrics-text;version=1.0.0, text/plain                | open",
                // Nothing acceptable: the text format rather than 406, as Prometheus servers answer.
                "application/json                                                      | text",
                "application/openmetrics-text;q=0, text/plain;q=0                      | text",
                // Malformed elements are skipped, the rest still count.
                "application/openmetrics-text;q=2, text/plain;q=0.5                    | text",
                "garbage, ;;, application/openmetrics-text;q=0.7, text/plain;q=0.6     | open",
                "text/plain;charset=\"a,b\";q=0.1, application/openmetrics-text;q=0.2  | open",
            })
    void acceptChoosesTheFormat(String accept, String expected) {
        assertThat(scrape(accept.strip()).header("Content-Type")).isEqualTo(expected.equals("open") ? OPEN : TEXT);
    }

    @Test
    void everyAcceptFieldLineCounts() {
        assertThat(scrape("text/plain;q=0.2", "application/openmetrics-text;q=0.4")
                        .header("Content-Type"))
                .isEqualTo(OPEN);
        assertThat(scrape("application/openmetrics-text;q=0", "text/plain").header("Content-Type"))
                .isEqualTo(TEXT);
    }

    @Test
    void responsesVaryOnAcceptAndAreNotStored() {
        for (HttpResponse r : List.of(scrape(), scrape(PROMETHEUS_2), scrape("application/json"))) {
            assertThat(r.header("Vary")).isEqualTo("Accept");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @Test
    void theBodyIsTheNegotiatedFormatAndTextWithoutAccept() {
        assertThat(scrape(PROMETHEUS_2).bodyText()).endsWith("# EOF\n");
        HttpResponse none = scrape();
        assertThat(none.header("Content-Type")).isEqualTo(TEXT);
        assertThat(none.bodyText()).doesNotContain("# EOF");
    }

    /** A GET with only a path and {@code Accept} field lines. */
    private record Get(String path, List<String> accept) implements HttpRequest {

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String target() {
            return path;
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public String version() {
            return "HTTP/1.1";
        }

        @Override
        public String header(String name) {
            return name.equalsIgnoreCase("accept") && !accept.isEmpty()
                    ? accept.get(0).strip()
                    : null;
        }

        @Override
        public List<String> headers(String name) {
            return name.equalsIgnoreCase("accept") ? accept : List.of();
        }

        @Override
        public List<String> headerNames() {
            return accept.isEmpty() ? List.of() : List.of("Accept");
        }

        @Override
        public ByteBuffer body() {
            return ByteBuffer.allocate(0);
        }

        @Override
        public byte[] bodyBytes() {
            return new byte[0];
        }

        @Override
        public String bodyText() {
            return "";
        }

        @Override
        public boolean keepAlive() {
            return true;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public HttpRequest detach() {
            return this;
        }
    }
}
