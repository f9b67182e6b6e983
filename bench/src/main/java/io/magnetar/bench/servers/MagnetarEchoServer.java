package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.SslTransportProvider;
import java.util.concurrent.CountDownLatch;

/**
 * Bench server: {@code --port 0 --threads 1 --mode raw|framed [--tls-keystore p12 --tls-password pw]}.
 * Prints {@code READY <port>} once listening and serves until killed.
 */
public final class MagnetarEchoServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(args.getInt("threads", 1), "magnetar-loop");
        TransportProvider transport = new TcpTransportProvider(loops);
        Endpoint.Builder endpoint = Endpoint.builder()
                .host("127.0.0.1")
                .port(args.getInt("port", 0))
                .backlog(1024);
        String keyStore = args.get("tls-keystore", "");
        if (!keyStore.isEmpty()) {
            transport = new SslTransportProvider(transport);
            endpoint.property("tls.keyStore", keyStore).property("tls.keyStorePassword", args.get("tls-password", ""));
        }
        boolean framed = args.get("mode", "raw").equals("framed");
        TcpServer server = TcpServer.builder(transport, framed ? EchoServerConsumer::newConnection : RawEcho::new)
                .endpoint(endpoint.build())
                .build();
        server.startServing().join();
        System.out.println("READY " + server.address().getPort());
        new CountDownLatch(1).await();
    }
}
