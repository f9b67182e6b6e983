package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static io.magnetar.udp.Udp.onLoop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst far larger than the receiver's socket buffer: UDP loses what does not fit, the sender never
 * blocks, and the loss is counted. Sender and receiver share one loop, so the receiver cannot read while
 * the burst is sent: the overflow is certain, not a matter of timing. Drops are counted by the kernel per
 * socket ({@code /proc/net/udp}, read by {@link DatagramServer#receiveBufferDrops()}); the test checks
 * that every datagram sent was either received or counted as dropped.
 */
@Timeout(60)
class DatagramBurstTest {

    private static final int BURST = 2_000;
    private static final int SIZE = 1_024;
    /** Asked for 64 KiB; Linux doubles it for bookkeeping. Either way far below BURST * SIZE (2 MiB). */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "udp-burst-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);
    private DatagramServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            await(server.close());
        }
        await(group.close());
    }

    @Test
    void burstLargerThanTheReceiveBufferLosesDatagramsCountsThemAndNeverBlocksTheLoop() throws Exception {
        RecordingProtocol counting = new RecordingProtocol(false, false);
        server = DatagramServer.builder(udp, () -> counting)
                .endpoint(Endpoint.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .property(UdpTransportProvider.RECEIVE_BUFFER_SIZE, RECEIVE_BUFFER)
                        .build())
                .build();
        await(server.startServing());
        assumeTrue(
                server.receiveBufferDrops() >= 0,
                "the kernel's per-socket drop counter (/proc/net/udp) is not available");
        InetSocketAddress target = server.address();
        RecordingProtocol senderProtocol = new RecordingProtocol();
        DatagramSocketTransport sender =
                (DatagramSocketTransport) await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), senderProtocol));
        assertThat(sender.loop()).isSameAs(counting.transport.loop());

        long queuedAfterBurst = onLoop(sender.loop(), () -> {
            byte[] payload = Udp.payload(SIZE);
            for (int i = 0; i < BURST; i++) {
                sender.sendTo(ByteBuffer.wrap(payload), target);
            }
            return sender.writeBufferSize();
        });

        // The burst task returned and the loop runs other work: nothing waited for the receiver.
        assertThat(queuedAfterBurst).isZero();
        assertThat(sender.datagramsSent()).isEqualTo(BURST);
        assertThat(onLoop(sender.loop(), () -> "still running")).isEqualTo("still running");
        Udp.eventually(
                "every datagram received or counted as dropped",
                () -> counting.received.get() + server.receiveBufferDrops() == BURST);
        long received = counting.received.get();
        long dropped = server.receiveBufferDrops();
        System.out.printf(
                "UDP burst: %d datagrams of %d bytes into a %d-byte receive buffer: %d received, %d dropped%n",
                BURST, SIZE, RECEIVE_BUFFER, received, dropped);
        assertThat(dropped).isPositive();
        assertThat(received).isPositive();
        assertThat(senderProtocol.errors).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> clients = (Map<String, Object>) server.info().get("clients");
        assertThat(clients)
                .containsEntry("datagrams_received", received)
                .containsEntry("receive_buffer_drops", dropped);
    }
}
