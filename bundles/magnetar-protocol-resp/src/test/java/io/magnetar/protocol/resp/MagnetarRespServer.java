package io.magnetar.protocol.resp;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.resp.internal.RespServerConnection;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Magnetar RESP server as tests run it: a {@code TcpServer} on 127.0.0.1 (port 0) over two event
 * loops, one {@link RespStore}, the server-side connections it made (for their close reasons), and the
 * clients and sockets a test opened; {@link #close()} ends them all.
 */
final class MagnetarRespServer implements AutoCloseable {

    final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "resp-test");
    final TcpTransportProvider tcp = new TcpTransportProvider(group);
    final RespStore store = new RespStore();
    final BlockingQueue<RespServerConnection> connections = new LinkedBlockingQueue<>();
    final TcpServer server;
    final int port;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();

    MagnetarRespServer() throws Exception {
        this(RespServerLimits.DEFAULTS);
    }

    MagnetarRespServer(RespServerLimits limits) throws Exception {
        server = TcpServer.builder(tcp, () -> {
                    RespServerConnection c = (RespServerConnection) RespServer.newConnection(store, limits);
                    connections.add(c);
                    return c;
                })
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        port = server.startServing().get(5, TimeUnit.SECONDS).address().getPort();
    }

    /** A Magnetar {@link RedisClient} of this server, closed with it. */
    RedisClient client(UnaryOperator<RedisClient.Builder> options) {
        RedisClient c = options.apply(RedisClient.builder(tcp, new InetSocketAddress("127.0.0.1", port)))
                .build();
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5_000);
        synchronized (sockets) {
            sockets.add(s);
        }
        return s;
    }

    @Override
    public void close() throws Exception {
        synchronized (clients) {
            for (RedisClient c : clients) {
                c.abort().get(5, TimeUnit.SECONDS);
            }
        }
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        try {
            server.close().get(20, TimeUnit.SECONDS);
        } finally {
            group.close().get(10, TimeUnit.SECONDS);
        }
    }
}
