package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FlowControlTest {

    private static final int HIGH = 64 * 1024;
    private static final int LOW = 16 * 1024;
    private static final byte[] PAYLOAD = Loopback.payload(8 * 1024 * 1024);

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(2, "flow-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void callsPauseWritingOnceAboveHighWaterAndResumeWritingOnceBelowLow() throws Exception {
        EchoServer server = EchoServer.listen(provider, BulkWriter::new);
        try (Socket client = server.connect()) {
            BulkWriter writer = server.protocolOf(client);

            // The client reads nothing yet: the transport must be paused, with more than HIGH queued.
            long queuedWhenPaused = await(writer.paused);
            assertThat(queuedWhenPaused).isGreaterThan(HIGH);
            assertThat(writer.pauseCalls).hasValue(1);
            assertThat(writer.resumeCalls).hasValue(0);

            byte[] received = Loopback.readExactly(client, PAYLOAD.length);

            long queuedWhenResumed = await(writer.resumed);
            assertThat(queuedWhenResumed).isLessThanOrEqualTo(LOW);
            assertThat(Arrays.mismatch(received, PAYLOAD)).isEqualTo(-1);
            StreamTransport transport = writer.transport;
            assertThat(Loopback.onLoop(transport.loop(), transport::writeBufferSize))
                    .isZero();
            assertThat(writer.pauseCalls).hasValue(1);
            assertThat(writer.resumeCalls).hasValue(1);
        }
    }

    @Test
    void setWriteBufferLimitsDefaultsLowToAQuarterOfHigh() throws Exception {
        EchoServer server = EchoServer.listen(provider, EchoProtocol::new);
        try (Socket client = server.connect()) {
            StreamTransport transport = server.protocolOf(client).transport;

            int[] marks = Loopback.onLoop(transport.loop(), () -> {
                int[] seen = new int[4];
                seen[0] = transport.writeBufferHighWater();
                seen[1] = transport.writeBufferLowWater();
                transport.setWriteBufferLimits(1000, -1);
                seen[2] = transport.writeBufferHighWater();
                seen[3] = transport.writeBufferLowWater();
                return seen;
            });

            assertThat(marks)
                    .containsExactly(
                            StreamTransport.DEFAULT_HIGH_WATER, StreamTransport.DEFAULT_HIGH_WATER / 4, 1000, 250);
        }
    }

    /** Writes the whole payload at once on connect, ignoring pauseWriting, and records the queue size. */
    static final class BulkWriter extends EchoProtocol {
        final CompletableFuture<Long> paused = new CompletableFuture<>();
        final CompletableFuture<Long> resumed = new CompletableFuture<>();

        @Override
        public void connectionMade(StreamTransport t) {
            Loopback.smallSendBuffer(t);
            t.setWriteBufferLimits(HIGH, LOW);
            super.connectionMade(t);
            for (ByteBuffer chunk : Loopback.chunks(PAYLOAD, 64 * 1024)) {
                t.write(chunk);
            }
        }

        @Override
        public void pauseWriting() {
            super.pauseWriting();
            paused.complete(transport.writeBufferSize());
        }

        @Override
        public void resumeWriting() {
            super.resumeWriting();
            resumed.complete(transport.writeBufferSize());
        }
    }
}
