package io.magnetar.itests.reliability;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Protocol;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An echo {@link TcpServer} on its own event loop group ({@code <name>-N} threads), every connection
 * wrapped in an {@link ObservedProtocol}. Closing it closes the server, then the loops.
 */
final class EchoService implements AutoCloseable {

    final SelectorEventLoopGroup loops;
    final TcpTransportProvider tcp;
    final TcpServer server;
    final ObservedProtocol.Stats stats = new ObservedProtocol.Stats();

    /** Serves {@code connections} (echo with a small limit, say) on {@code threads} loops. */
    EchoService(String name, int threads, Supplier<Protocol> connections, Consumer<TcpServer.Builder> options)
            throws Exception {
        this(name, threads, connections, options, true);
    }

    /**
     * A server whose connections are not wrapped, so that {@code TcpServer} sees its real
     * {@link Connection}s and drains them on close. {@link #stats} then come from the server's and
     * the connections' events: no write-buffer figures.
     */
    static EchoService draining(String name, int threads, Consumer<TcpServer.Builder> options) throws Exception {
        return new EchoService(name, threads, EchoServerConsumer::newConnection, options, false);
    }

    private EchoService(
            String name, int threads, Supplier<Protocol> connections, Consumer<TcpServer.Builder> options, boolean wrap)
            throws Exception {
        loops = new SelectorEventLoopGroup(threads, name);
        tcp = new TcpTransportProvider(loops);
        TcpServer.Builder b = TcpServer.builder(
                        tcp, wrap ? () -> new ObservedProtocol(connections.get(), stats) : connections::get)
                .endpoint(Endpoint.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .backlog(4096)
                        .build())
                .closeTimeout(Duration.ofSeconds(5));
        options.accept(b);
        server = b.build();
        if (!wrap) {
            server.bindEvent(TcpServer.CONNECTION_MADE, p -> {
                stats.made.incrementAndGet();
                ((Connection) p).connectionLost().whenComplete((cause, e) -> {
                    if (cause instanceof Throwable t) {
                        stats.causes.add(t);
                    }
                    stats.lost.incrementAndGet();
                });
            });
            server.bindEvent(TcpServer.PRE_REQUEST, consumer -> stats.reads.incrementAndGet());
        }
        Bounded.await(server.startServing());
    }

    EchoService(String name) throws Exception {
        this(name, 1, EchoServerConsumer::newConnection, b -> {});
    }

    InetSocketAddress address() {
        return server.address();
    }

    int port() {
        return server.address().getPort();
    }

    SelectorEventLoop loop(int i) {
        return (SelectorEventLoop) loops.loops().get(i);
    }

    /** Channels registered with every loop of this server (listener included), counted on the loops. */
    int registeredChannels() throws Exception {
        int n = 0;
        for (int i = 0; i < loops.loops().size(); i++) {
            SelectorEventLoop l = loop(i);
            n += Bounded.onLoop(l, l::registeredChannels);
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        try {
            Bounded.await(server.close());
        } finally {
            Bounded.await(loops.close());
        }
    }
}
