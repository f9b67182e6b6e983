package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.metrics.MetricWriter;
import io.magnetar.protocol.http.internal.HttpDate;
import io.magnetar.protocol.http.internal.RouteMetrics;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The route metrics and the {@code Date} line now that the clock is read once per read: every request of a
 * long pipelined batch is counted, a request spread over reads is timed from its first read, and a clock of
 * another origin (this test's manual loop) never leaves a stale date.
 */
class RouteLatencyTest {

    private final ManualLoop loop = new ManualLoop();

    private FakeTransport open(String path) {
        Router router = Router.builder().get(path, r -> Router.PLAINTEXT).build();
        return new FakeTransport(loop, HttpConnection.create(router, HttpLimits.defaults())).connect();
    }

    @Test
    void everyRequestOfAPipelinedReadIsCountedPastTheBatchOfSixteen() {
        FakeTransport t = open("/latency-batch");

        t.receive("GET /latency-batch HTTP/1.1\r\nHost: h\r\n\r\n".repeat(40));

        Route r = Route.read("/latency-batch");
        assertThat(r.byClass.get("2xx")).isEqualTo(40);
        assertThat(r.count).isEqualTo(40);
        assertThat(r.counts[0])
                .as("all within one manual-clock read: the first bucket")
                .isEqualTo(40);
    }

    @Test
    void aRequestSpreadOverReadsIsTimedFromItsFirstByte() {
        FakeTransport t = open("/latency-split");

        t.receive("GET /latency-split HTTP/1.1\r\n");
        loop.advance(Duration.ofMillis(3));
        t.receive("Host: h\r\n\r\n");

        Route r = Route.read("/latency-split");
        assertThat(r.count).isEqualTo(1);
        assertThat(r.sum).isEqualTo(0.003);
        int bucket = 0;
        while (r.counts[bucket] == 0) {
            bucket++;
        }
        assertThat(r.bounds[bucket]).as("the 2.5-5 ms bucket").isEqualTo(0.005);
    }

    @Test
    void theDateFollowsTheWallClockWhateverTheCallersClockOrigin() {
        long now = System.currentTimeMillis();
        // a real clock, then one near zero (a manual loop), then the real one again
        for (long nanos : new long[] {System.nanoTime(), 5, System.nanoTime()}) {
            String line = new String(HttpDate.line(nanos), StandardCharsets.US_ASCII);
            assertThat(line).startsWith("Date: ").endsWith("\r\n");
            ZonedDateTime date =
                    ZonedDateTime.parse(line.substring(6, line.length() - 2), DateTimeFormatter.RFC_1123_DATE_TIME);
            assertThat(date.toInstant().toEpochMilli()).isBetween(now - 1000, System.currentTimeMillis());
        }
    }

    /** One route's series as {@link RouteMetrics#collectAll} writes them. */
    private static final class Route implements MetricWriter {
        final String route;
        final Map<String, Long> byClass = new HashMap<>();
        double[] bounds;
        long[] counts;
        long count;
        double sum;

        private Route(String route) {
            this.route = route;
        }

        static Route read(String route) {
            Route r = new Route(route);
            RouteMetrics.collectAll(r);
            return r;
        }

        @Override
        public void counter(String name, String help, double value, String... labels) {
            if (List.of(labels).contains(route)) {
                byClass.put(labels[3], (long) value);
            }
        }

        @Override
        public void gauge(String name, String help, double value, String... labels) {}

        @Override
        public void histogram(
                String name, String help, double[] upperBounds, long[] counts, double sum, String... labels) {
            if (List.of(labels).contains(route)) {
                this.bounds = upperBounds;
                this.counts = counts;
                this.sum = sum;
                for (long c : counts) {
                    count += c;
                }
            }
        }
    }
}
