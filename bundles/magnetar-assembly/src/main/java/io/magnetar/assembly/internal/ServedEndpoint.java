package io.magnetar.assembly.internal;

import io.magnetar.api.Server;
import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Server} service of a serving endpoint, so tests and tools find its bound address, and its
 * {@link MetricSource}.
 * Closing it through the service stops accepting (a datagram endpoint closes its socket); the endpoint
 * stays configured. Thread-safe.
 */
final class ServedEndpoint implements Server, MetricSource {

    private final RunningEndpoint server;
    private final String[] labels;

    ServedEndpoint(RunningEndpoint server, EndpointSettings settings) {
        this.server = server;
        this.labels = new String[] {
            "endpoint", settings.name(), "transport", settings.transport(), "protocol", settings.protocol()
        };
    }

    /** The endpoint's counters, labelled {@code endpoint}, {@code transport}, {@code protocol}. */
    @Override
    public void collect(MetricWriter out) {
        server.collect(out, labels);
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.address();
    }

    @Override
    public boolean isServing() {
        return server.isServing();
    }

    @Override
    public void pauseAccepting() {
        server.pauseAccepting();
    }

    @Override
    public void resumeAccepting() {
        server.resumeAccepting();
    }

    @Override
    public CompletableFuture<Void> close() {
        return server.stopServing();
    }
}
