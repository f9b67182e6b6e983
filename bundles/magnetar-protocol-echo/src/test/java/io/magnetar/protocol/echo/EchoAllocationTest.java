package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per echoed message once warm, on the server's path (framing by the delimiter codec,
 * the write back, the consumer reused): 16 messages of 64 B per read, then messages split across two
 * reads (the codec's reused buffer). Measured with the JVM's per-thread allocation counter and printed.
 */
class EchoAllocationTest {

    private static final int ROUNDS = 20_000;

    @Test
    void echoingAllocatesNothingPerMessage() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        long id = Thread.currentThread().getId();

        Connection connection = EchoServerConsumer.newConnection();
        long[] served = new long[1];
        connection.onPostRequest(consumer -> served[0]++);
        FakeTransport transport = new FakeTransport(new ManualLoop(), connection, false).connect();
        byte[] one = ("m".repeat(60) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer whole = ByteBuffer.allocateDirect(one.length * 16);
        for (int i = 0; i < 16; i++) {
            whole.put(one);
        }
        ByteBuffer head = ByteBuffer.allocateDirect(30).put(one, 0, 30);
        ByteBuffer tail = ByteBuffer.allocateDirect(one.length - 30).put(one, 30, one.length - 30);

        run(transport, whole, null, ROUNDS); // warm: JIT, the codec's buffer
        run(transport, head, tail, ROUNDS);
        long before = mx.getThreadAllocatedBytes(id);
        run(transport, whole, null, ROUNDS);
        long inPlace = (mx.getThreadAllocatedBytes(id) - before) / (ROUNDS * 16L);
        before = mx.getThreadAllocatedBytes(id);
        run(transport, head, tail, ROUNDS);
        long split = (mx.getThreadAllocatedBytes(id) - before) / ROUNDS;
        System.out.println("echo steady state, bytes allocated per 64 B message: " + inPlace + " (16 per read), "
                + split + " (split across two reads)");

        assertThat(served[0]).isEqualTo(2L * ROUNDS * 16 + 2L * ROUNDS);
        assertThat(transport.bytesWritten()).isEqualTo(served[0] * one.length);
        // Integer division: under one byte per message reads 0; one byte is left for a one-off.
        assertThat(inPlace).as("in place").isLessThanOrEqualTo(1);
        assertThat(split).as("split").isLessThanOrEqualTo(1);
    }

    private static void run(FakeTransport transport, ByteBuffer first, ByteBuffer second, int rounds) {
        for (int i = 0; i < rounds; i++) {
            first.clear();
            transport.receive(first);
            if (second != null) {
                second.clear();
                transport.receive(second);
            }
        }
    }
}
