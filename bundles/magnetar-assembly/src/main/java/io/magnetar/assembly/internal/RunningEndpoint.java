package io.magnetar.assembly.internal;

import io.magnetar.api.DatagramProtocolFactory;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.TransportProvider;
import io.magnetar.api.metrics.MetricWriter;
import io.magnetar.producers.TcpServer;
import io.magnetar.udp.DatagramServer;
import io.magnetar.udp.UdpTransportProvider;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a serving endpoint runs: a {@link TcpServer} for stream transports or a {@link DatagramServer}
 * for {@code udp}, behind the one face the endpoint's state machine needs. Thread-safe.
 */
interface RunningEndpoint {

    /** True when {@code transport} names a datagram transport: its endpoints need a {@link DatagramProtocolFactory}. */
    static boolean isDatagram(String transport) {
        return UdpTransportProvider.NAME.equals(transport);
    }

    /** A server of {@code protocol} (a {@link ProtocolFactory}, or a {@link DatagramProtocolFactory} for udp). */
    static RunningEndpoint create(EndpointSettings s, TransportProvider transport, Object protocol) {
        if (isDatagram(s.transport())) {
            return new Datagrams(DatagramServer.builder(transport, (DatagramProtocolFactory) protocol)
                    .endpoint(s.endpoint())
                    .maxRequests(s.maxRequests())
                    .closeTimeout(s.closeTimeout())
                    .build());
        }
        return new Streams(TcpServer.builder(transport, (ProtocolFactory) protocol)
                .endpoint(s.endpoint())
                .maxConnections(s.maxConnections())
                .keepAlive(s.keepAlive())
                .closeTimeout(s.closeTimeout())
                .build());
    }

    /** True when the protocol can change behind the bound socket ({@link #replaceProtocol}). */
    boolean canReplaceProtocol();

    /** New work goes to {@code protocol} from now on; work of the old one finishes, then its connections close. */
    void replaceProtocol(Object protocol);

    /** The protocol is leaving: stop taking connections off the backlog (the port stays bound), end the old ones. */
    void retireProtocol();

    void pauseAccepting();

    void resumeAccepting();

    /** Binds; fails with the bind error. */
    CompletableFuture<?> start();

    /** Stops taking new work now; what is in progress goes on. */
    CompletableFuture<Void> stopServing();

    /** Stops, letting work in progress finish within the close timeout; completes once every socket is closed. */
    CompletableFuture<Void> close();

    /** The (first) bound address, or {@code null} before binding. */
    InetSocketAddress address();

    boolean isServing();

    /** Open connections; 0 for datagrams, which have none. */
    int connections();

    long requests();

    /** The server's {@code info()}. */
    Map<String, Object> info();

    /** The server's counters, each with {@code labels}. Any thread. */
    void collect(MetricWriter out, String... labels);

    /** A {@link TcpServer}. */
    record Streams(TcpServer server) implements RunningEndpoint {
        @Override
        public boolean canReplaceProtocol() {
            return true;
        }

        @Override
        public void replaceProtocol(Object protocol) {
            server.replaceProtocol((ProtocolFactory) protocol);
        }

        @Override
        public void retireProtocol() {
            server.retireProtocol();
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
        public CompletableFuture<?> start() {
            return server.startServing();
        }

        @Override
        public CompletableFuture<Void> stopServing() {
            return server.stopServing();
        }

        @Override
        public CompletableFuture<Void> close() {
            return server.close();
        }

        @Override
        public InetSocketAddress address() {
            return server.address();
        }

        @Override
        public boolean isServing() {
            return server.isServing();
        }

        @Override
        public int connections() {
            return server.connections();
        }

        @Override
        public long requests() {
            return server.requestsProcessed();
        }

        @Override
        public Map<String, Object> info() {
            return server.info();
        }

        @Override
        public void collect(MetricWriter out, String... labels) {
            out.gauge("connections_open", "Connections open now.", server.connections(), labels);
            out.counter("connections_total", "Connections accepted.", server.sessions(), labels);
            out.counter(
                    "connections_refused_total", "Connections refused at maxConnections.", server.refused(), labels);
            out.counter(
                    "requests_total",
                    "Exchanges finished (requests answered, messages echoed).",
                    server.requestsProcessed(),
                    labels);
            out.counter(
                    "request_errors_total",
                    "Connections that ended with an error (reset, refused frame, protocol fault).",
                    server.connectionErrors(),
                    labels);
            out.counter("bytes_received_total", "Bytes received.", server.bytesReceived(), labels);
            out.counter(
                    "bytes_sent_total",
                    "Bytes written (on the wire: TLS records included).",
                    server.bytesSent(),
                    labels);
            out.counter(
                    "write_paused_total",
                    "Times a connection's writes were paused (its peer reads slower).",
                    server.writePauses(),
                    labels);
        }
    }

    /** A {@link DatagramServer}: one bound socket; stopping to serve is closing it. */
    record Datagrams(DatagramServer server) implements RunningEndpoint {
        /** No: a datagram socket's protocol is fixed; an update rebinds it (datagrams have no connection to refuse). */
        @Override
        public boolean canReplaceProtocol() {
            return false;
        }

        @Override
        public void replaceProtocol(Object protocol) {
            throw new UnsupportedOperationException("a datagram endpoint rebinds to change its protocol");
        }

        @Override
        public void retireProtocol() {
            throw new UnsupportedOperationException("a datagram endpoint rebinds to change its protocol");
        }

        @Override
        public void pauseAccepting() {
            // datagrams are not accepted
        }

        @Override
        public void resumeAccepting() {
            // datagrams are not accepted
        }

        @Override
        public CompletableFuture<?> start() {
            return server.startServing();
        }

        @Override
        public CompletableFuture<Void> stopServing() {
            return server.close();
        }

        @Override
        public CompletableFuture<Void> close() {
            return server.close();
        }

        @Override
        public InetSocketAddress address() {
            return server.address();
        }

        @Override
        public boolean isServing() {
            return server.isServing();
        }

        @Override
        public int connections() {
            return 0;
        }

        @Override
        public long requests() {
            return server.requestsProcessed();
        }

        @Override
        public Map<String, Object> info() {
            return server.info();
        }

        @Override
        public void collect(MetricWriter out, String... labels) {
            out.counter("datagrams_received_total", "Datagrams received.", server.datagramsReceived(), labels);
            out.counter("datagrams_sent_total", "Datagrams sent.", server.datagramsSent(), labels);
            out.counter(
                    "datagrams_dropped_total",
                    "Datagrams the kernel dropped (receive buffer full).",
                    server.receiveBufferDrops(),
                    labels);
            out.counter("requests_total", "Datagrams processed.", server.requestsProcessed(), labels);
        }
    }
}
