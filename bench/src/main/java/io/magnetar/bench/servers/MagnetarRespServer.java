package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.resp.RespServer;
import io.magnetar.protocol.resp.RespStore;
import io.magnetar.tcp.TcpTransportProvider;
import java.util.concurrent.CountDownLatch;

/** Bench server: Magnetar's RESP server on an in-memory store, one loop. Prints {@code READY <port>}. */
public final class MagnetarRespServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(args.getInt("threads", 1), "magnetar-loop");
        RespStore store = new RespStore();
        TcpServer server = TcpServer.builder(new TcpTransportProvider(loops), () -> RespServer.newConnection(store))
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
