package io.magnetar.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per 64-byte binary WebSocket message echoed on the loop, once warm (16 masked frames
 * per read, as a pipelining client sends them): reading, unmasking, reassembly, delivery and the echo's
 * frame reuse the connection's buffers, so nothing is allocated per message.
 */
class SteadyStateAllocationTest {

    @Test
    void echoingBinaryMessagesAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        ManualLoop loop = new ManualLoop();
        Connection connection = new Connection(
                () -> new WebSocketSession(new EchoHandler(), "/ws/echo", null, null, WebSocketLimits.DEFAULTS));
        FakeTransport transport = new FakeTransport(loop, connection, false).connect();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        for (int i = 0; i < 16; i++) {
            frames.write(0x82);
            frames.write(0x80 | 64);
            frames.writeBytes(key);
            for (int k = 0; k < 64; k++) {
                frames.write((byte) (k ^ key[k & 3]));
            }
        }
        byte[] sixteen = frames.toByteArray();
        ByteBuffer wire = ByteBuffer.allocateDirect(sixteen.length).put(sixteen);

        run(transport, wire, 20_000);
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        int rounds = 20_000;
        run(transport, wire, rounds);
        long perMessage = (mx.getThreadAllocatedBytes(id) - before) / (rounds * 16L);

        System.out.println("WebSocket steady state: " + perMessage + " bytes allocated per 64 B binary message echoed");
        assertThat(transport.bytesWritten()).isEqualTo(40_000L * 16 * (2 + 64));
        assertThat(perMessage).as("bytes per message").isLessThanOrEqualTo(1);
    }

    private static void run(FakeTransport transport, ByteBuffer wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            wire.clear();
            transport.receive(wire);
        }
    }
}
