package io.magnetar.protocol.echo;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.tcp.TcpTransportProvider;
import java.time.Duration;

/** The README's "echo server from Java code" example; {@code ReadmeExampleTest} keeps the two equal. */
public final class EchoServerExample {

    public static void main(String[] args) {
        TcpServer server = serve(args.length > 0 ? Integer.parseInt(args[0]) : 7007);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close().join()));
    }

    static TcpServer serve(int port) {
        // README:start
        var loops = new SelectorEventLoopGroup(); // one loop thread per core
        var tcp = new TcpTransportProvider(loops);
        TcpServer server = TcpServer.builder(tcp, EchoServerConsumer::newConnection)
                .endpoint(Endpoint.of("127.0.0.1", port))
                .maxConnections(10_000) // concurrent connections
                .keepAlive(Duration.ofMinutes(5)) // idle timeout
                .build();
        server.bindEvent(TcpServer.STOP, s -> loops.close()); // close() drains, then stops
        server.startServing().join();
        System.out.println("echo serving on " + server.address());
        // README:end
        return server;
    }
}
