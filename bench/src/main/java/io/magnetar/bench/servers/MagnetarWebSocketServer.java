package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.websocket.WebSockets;
import java.util.concurrent.CountDownLatch;

/** Bench server: Magnetar's WebSocket echo at {@code /ws/echo} on an HTTP server. Prints {@code READY <port>}. */
public final class MagnetarWebSocketServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(args.getInt("threads", 1), "magnetar-loop");
        Router router = Router.builder()
                .get("/ws/echo", WebSockets.upgrade(WebSockets.echo()))
                .build();
        TcpServer server = TcpServer.builder(
                        new TcpTransportProvider(loops),
                        () -> HttpServerConsumer.newConnection(router, HttpLimits.defaults()))
                .endpoint(Endpoint.builder()
                        .host("127.0.0.1")
                        .port(args.getInt("port", 0))
                        .backlog(1024)
                        .build())
                .build();
        server.startServing().join();
        System.out.println("READY " + server.address().getPort());
        new CountDownLatch(1).await();
    }
}
