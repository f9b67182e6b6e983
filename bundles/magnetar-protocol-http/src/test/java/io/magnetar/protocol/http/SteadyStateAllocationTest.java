package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.protocol.http.internal.HandlerRoutes;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per pipelined {@code GET /plaintext} once warm, measured with the JVM's per-thread
 * allocation counter and printed: parsing, routing and encoding reuse the connection's arrays and the
 * connection reuses its consumer, so nothing is allocated per request. A {@code post_request} listener
 * counts exchanges, as a TcpServer's does.
 */
class SteadyStateAllocationTest {

    private static final String GET = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

    @Test
    void pipelinedPlaintextRequestsAllocateNothing() {
        measure(HttpConnection.create(Router.defaults(), HttpLimits.defaults()), GET, "GET /plaintext");
    }

    /** Through the handler whiteboard: a registered exact route and a prefix route, looked up per request. */
    @Test
    void whiteboardRoutesAllocateNothing() {
        HandlerRoutes routes = new HandlerRoutes(1, 0);
        HttpResponse hello = HttpResponse.text("hello\n");
        routes.addHandler(
                Map.of("service.id", 7L, HttpWhiteboard.PATH, "/hello", HttpWhiteboard.METHOD, "GET"),
                "test",
                (HttpHandler) request -> hello);
        routes.addHandler(
                Map.of("service.id", 8L, HttpWhiteboard.PATH, "/api/*"), "test", (HttpHandler) request -> hello);
        routes.addEndpoint(1, "web", new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080));
        measure(
                HttpConnection.create(routes::routerFor, HttpLimits.defaults()),
                "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n",
                "whiteboard GET /hello");
        measure(
                HttpConnection.create(routes::routerFor, HttpLimits.defaults()),
                "GET /api/v1/items HTTP/1.1\r\nHost: h\r\n\r\n",
                "whiteboard GET /api/*");
        routes.close();
    }

    private static void measure(HttpConnection connection, String request, String what) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        ManualLoop loop = new ManualLoop();
        long[] served = new long[1];
        connection.onPostRequest(consumer -> served[0]++);
        FakeTransport transport = new FakeTransport(loop, connection, false).connect();
        byte[] sixteen = request.repeat(16).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer wire = ByteBuffer.allocateDirect(sixteen.length).put(sixteen);

        run(transport, wire, 20_000);
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        int rounds = 20_000;
        run(transport, wire, rounds);
        long perRequest = (mx.getThreadAllocatedBytes(id) - before) / (rounds * 16L);

        System.out.println("HTTP steady state: " + perRequest + " bytes allocated per pipelined " + what);
        assertThat(connection.processed()).isEqualTo(40_000L * 16);
        assertThat(served[0]).isEqualTo(connection.processed());
        assertThat(transport.bytesWritten()).isPositive();
        // Integer division: under one byte per request on average reads 0; one byte is left for a one-off (a grown
        // array, a deoptimisation).
        assertThat(perRequest).as("bytes per request").isLessThanOrEqualTo(1);
    }

    private static void run(FakeTransport transport, ByteBuffer wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            wire.clear();
            transport.receive(wire);
        }
    }
}
