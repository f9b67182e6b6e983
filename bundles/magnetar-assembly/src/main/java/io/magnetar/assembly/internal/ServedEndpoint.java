package io.magnetar.assembly.internal;

import io.magnetar.api.Server;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Server} service of a serving endpoint, so tests and tools find its bound address.
 * Closing it through the service stops accepting (a datagram endpoint closes its socket); the endpoint
 * stays configured. Thread-safe.
 */
final class ServedEndpoint implements Server {

    private final RunningEndpoint server;

    ServedEndpoint(RunningEndpoint server) {
        this.server = server;
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
