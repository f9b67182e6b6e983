package io.magnetar.protocol.http;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code TcpServer} of HTTP connections on 127.0.0.1 (port 0) over two loops, the server-side
 * connections it made (for their close reasons), and the client sockets a test opened; {@link #close()}
 * ends them all.
 */
final class TestServer implements AutoCloseable {

    static final String GET = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n";

    final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "http-test");
    final BlockingQueue<HttpConnection> connections = new LinkedBlockingQueue<>();
    final TcpServer server;
    final int port;
    private final List<Socket> sockets = new ArrayList<>();

    TestServer(Router router, HttpLimits limits) throws Exception {
        TcpTransportProvider tcp = new TcpTransportProvider(group);
        server = TcpServer.builder(tcp, () -> {
                    HttpConnection c = HttpConnection.create(router, limits);
                    connections.add(c);
                    return c;
                })
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        port = server.startServing().get(5, TimeUnit.SECONDS).address().getPort();
    }

    /** The routes the end-to-end tests use. */
    static Router testRouter() {
        return Router.builder()
                .get("/plaintext", r -> Router.PLAINTEXT)
                .post(
                        "/echo",
                        r -> HttpResponse.builder(200)
                                .contentType("application/octet-stream")
                                .body(r.bodyBytes())
                                .build())
                .route(
                        "PUT",
                        "/echo",
                        r -> HttpResponse.builder(200).body(r.bodyBytes()).build())
                .build();
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5_000);
        synchronized (sockets) {
            sockets.add(s);
        }
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        send(s, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    /** True at end of stream or reset: the server closed. */
    static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** One {@code GET /plaintext} on a new connection: the server still serves. */
    RawResponse getPlaintext() throws IOException {
        try (Socket s = connect()) {
            send(s, GET);
            return RawResponse.read(s.getInputStream());
        }
    }

    @Override
    public void close() throws Exception {
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
