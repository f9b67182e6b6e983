package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per pipelined {@code GET /plaintext} once warm, measured with the JVM's per-thread
 * allocation counter and printed. The HTTP code's own share (beyond the per-exchange consumer object that
 * {@code Connection} creates) must stay near zero; the total only gets a generous ceiling.
 */
class SteadyStateAllocationTest {

    private static final String GET = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

    @Test
    void pipelinedPlaintextRequestsAllocateLittlePerRequest() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        ManualLoop loop = new ManualLoop();
        HttpConnection connection = HttpConnection.create(Router.defaults(), HttpLimits.defaults());
        FakeTransport transport = new FakeTransport(loop, connection, false).connect();
        byte[] sixteen = GET.repeat(16).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer wire = ByteBuffer.allocateDirect(sixteen.length).put(sixteen);

        run(transport, wire, 20_000);
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        int rounds = 20_000;
        run(transport, wire, rounds);
        long perRequest = (mx.getThreadAllocatedBytes(id) - before) / (rounds * 16L);

        long perConsumer = consumerSize(mx, id);
        System.out.println("HTTP steady state: " + perRequest + " bytes allocated per pipelined GET /plaintext, of which "
                + perConsumer + " are the exchange's HttpServerConsumer (one per request, as Connection wants)");
        assertThat(connection.processed()).isEqualTo(40_000L * 16);
        assertThat(transport.bytesWritten()).isPositive();
        assertThat(perRequest).isLessThan(4096);
        // Parsing, routing and encoding reuse the connection's arrays: nothing of their own per request.
        assertThat(perRequest - perConsumer).as("bytes per request beyond the consumer").isLessThan(64);
    }

    /** Bytes of one consumer object, measured the same way (kept reachable so none is optimised away). */
    private static long consumerSize(com.sun.management.ThreadMXBean mx, long id) {
        Object[] keep = new Object[1024];
        for (int i = 0; i < 100_000; i++) {
            keep[i & 1023] = new HttpServerConsumer(null);
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            keep[i & 1023] = new HttpServerConsumer(null);
        }
        return (mx.getThreadAllocatedBytes(id) - before) / 100_000;
    }

    private static void run(FakeTransport transport, ByteBuffer wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            wire.clear();
            transport.receive(wire);
        }
    }
}
