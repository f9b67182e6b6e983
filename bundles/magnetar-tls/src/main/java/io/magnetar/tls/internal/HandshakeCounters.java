package io.magnetar.tls.internal;

import io.magnetar.api.metrics.MetricWriter;
import java.util.concurrent.atomic.LongAdder;

/**
 * TLS handshakes completed and failed in this bundle (every TLS endpoint and client), for metrics. One
 * count per connection, not per request, so a striped adder costs nothing that shows.
 *
 * <p>Thread-safe.
 */
final class HandshakeCounters {

    static final LongAdder OK = new LongAdder();
    static final LongAdder FAILED = new LongAdder();

    private HandshakeCounters() {}

    static void collect(MetricWriter out) {
        out.counter("tls_handshakes_total", "TLS handshakes, by result.", OK.sum(), "result", "ok");
        out.counter("tls_handshakes_total", "TLS handshakes, by result.", FAILED.sum(), "result", "failed");
    }
}
