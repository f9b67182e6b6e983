package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import io.magnetar.protocol.http.internal.StaticFiles;
import io.magnetar.tcp.TcpTransportProvider;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Bench server: Magnetar HTTP/1.1 with the default routes ({@code GET /plaintext}) and, with
 * {@code --static DIR}, the files of DIR under {@code /files/*} (sent with sendfile). Prints {@code READY <port>}.
 */
public final class MagnetarHttpServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(args.getInt("threads", 1), "magnetar-loop");
        String dir = args.get("static", "");
        Router.Builder routes = Router.builder().defaults();
        if (!dir.isEmpty()) {
            StaticFiles files = new StaticFiles("/files/*", Path.of(dir), null, "index.html");
            routes.route("GET", "/files/*", files).route("HEAD", "/files/*", files);
        }
        Router router = routes.build();
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
