package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static io.magnetar.udp.Udp.bytesOf;
import static io.magnetar.udp.Udp.onLoop;
import static io.magnetar.udp.Udp.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.DatagramTransport;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.udp.internal.DatagramQueue;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The send queue and its water marks. A loopback UDP socket never runs out of send buffer (the kernel
 * hands each datagram to the receiver at once), so the socket's send call is replaced by one that
 * answers "no room" while {@link #full} is set; everything else is the real transport on a real loop.
 */
@Timeout(30)
class DatagramFlowControlTest {

    private static final int HIGH = 4096;
    private static final int LOW = 1024;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "udp-flow-test");
    private final SelectorEventLoop loop = (SelectorEventLoop) group.loops().get(0);
    private final AtomicBoolean full = new AtomicBoolean();
    private DatagramSocket peer;
    private DatagramChannel channel;
    private RecordingProtocol protocol;
    private DatagramSocketTransport transport;
    /** Sends that fail with an IOException: the datagram whose first byte is this value. */
    private volatile int failing = -1;

    @BeforeEach
    void open() throws Exception {
        peer = Udp.peer("127.0.0.1");
        channel = DatagramChannel.open();
        channel.configureBlocking(false);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        protocol = new RecordingProtocol();
        DatagramQueue.Sender sender = this::send;
        transport = new DatagramSocketTransport(loop, channel, protocol, sender);
        assertThat(onLoop(loop, () -> {
                    boolean started = transport.start();
                    transport.setWriteBufferLimits(HIGH, LOW);
                    return started;
                }))
                .isTrue();
    }

    private boolean send(ByteBuffer data, SocketAddress target) throws IOException {
        if (full.get()) {
            return false;
        }
        if (data.hasRemaining() && data.get(data.position()) == failing) {
            throw new IOException("refused by the test");
        }
        int expected = data.remaining();
        return channel.send(data, target) == expected;
    }

    @AfterEach
    void close() throws Exception {
        full.set(false);
        peer.close();
        await(group.close());
    }

    private void sendNumbered(int count, int size) {
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            b[0] = (byte) i;
            transport.sendTo(ByteBuffer.wrap(b), peer.getLocalSocketAddress());
        }
    }

    @Test
    void pausesOnceAboveHighWaterAndResumesOnceWhenDrainedToLowWater() throws Exception {
        full.set(true);

        long queued = onLoop(loop, () -> {
            sendNumbered(10, 1000);
            return transport.writeBufferSize();
        });

        assertThat(queued).isEqualTo(10 * (1000 + DatagramQueue.HEADER));
        assertThat(protocol.pauses).hasValue(1);
        assertThat(protocol.resumes).hasValue(0);

        full.set(false);

        for (int i = 0; i < 10; i++) {
            assertThat(bytesOf(receive(peer))[0]).isEqualTo((byte) i);
        }
        assertThat(onLoop(loop, transport::writeBufferSize)).isZero();
        assertThat(protocol.pauses).hasValue(1);
        assertThat(protocol.resumes).hasValue(1);
        assertThat(transport.datagramsSent()).isEqualTo(10);
        assertThat(protocol.offLoop).isNull();
    }

    @Test
    void datagramsSentWhileOthersAreQueuedWaitTheirTurn() throws Exception {
        full.set(true);
        onLoop(loop, () -> {
            sendNumbered(2, 10);
            return null;
        });
        full.set(false);
        // The queue is drained by the loop; a datagram sent now must not overtake what is still queued.
        transport.sendTo(ByteBuffer.wrap(new byte[] {2}), peer.getLocalSocketAddress());

        for (int i = 0; i < 3; i++) {
            assertThat(bytesOf(receive(peer))[0]).isEqualTo((byte) i);
        }
    }

    @Test
    void aQueuedDatagramThatFailsIsReportedAndTheOthersStillGo() throws Exception {
        full.set(true);
        failing = 1;
        onLoop(loop, () -> {
            sendNumbered(3, 10);
            return null;
        });
        full.set(false);

        assertThat(bytesOf(receive(peer))[0]).isEqualTo((byte) 0);
        assertThat(bytesOf(receive(peer))[0]).isEqualTo((byte) 2);
        assertThat(protocol.errors.poll(10, TimeUnit.SECONDS)).hasMessage("refused by the test");
        assertThat(transport.isClosing()).isFalse();
    }

    @Test
    void closeSendsWhatIsQueuedThenEnds() throws Exception {
        full.set(true);
        boolean lostBeforeDrained = onLoop(loop, () -> {
            sendNumbered(3, 10);
            transport.close();
            return protocol.lost.isDone();
        });
        assertThat(lostBeforeDrained).isFalse();
        assertThat(transport.isClosing()).isTrue();

        full.set(false);

        for (int i = 0; i < 3; i++) {
            assertThat(bytesOf(receive(peer))[0]).isEqualTo((byte) i);
        }
        assertThat(await(protocol.lost)).isNull();
        assertThat(protocol.lostCalls).hasValue(1);
    }

    @Test
    void abortDropsWhatIsQueued() throws Exception {
        full.set(true);
        onLoop(loop, () -> {
            sendNumbered(3, 10);
            transport.abort();
            return null;
        });
        assertThat(await(protocol.lost)).isNull();
        full.set(false);
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] marker = "marker".getBytes(StandardCharsets.US_ASCII);
            Udp.send(other, marker, (InetSocketAddress) peer.getLocalSocketAddress());
            // Anything the aborted transport had queued would have arrived before the marker.
            assertThat(bytesOf(receive(peer))).isEqualTo(marker);
        }
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void waterMarksDefaultAndLowDefaultsToAQuarterOfHigh() throws Exception {
        int[] marks = onLoop(loop, () -> {
            int[] seen = new int[4];
            transport.setWriteBufferLimits(-1, -1);
            seen[0] = transport.writeBufferHighWater();
            seen[1] = transport.writeBufferLowWater();
            transport.setWriteBufferLimits(1000, -1);
            seen[2] = transport.writeBufferHighWater();
            seen[3] = transport.writeBufferLowWater();
            return seen;
        });

        assertThat(marks)
                .containsExactly(
                        DatagramTransport.DEFAULT_HIGH_WATER, DatagramTransport.DEFAULT_HIGH_WATER / 4, 1000, 250);
        assertThatThrownBy(() -> onLoop(loop, () -> {
                    transport.setWriteBufferLimits(10, 20);
                    return null;
                }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loweringTheHighWaterMarkBelowWhatIsQueuedPausesAtOnce() throws Exception {
        full.set(true);
        int pausesAfterLowering = onLoop(loop, () -> {
            sendNumbered(2, 1000);
            transport.setWriteBufferLimits(1000, 0);
            return protocol.pauses.get();
        });
        assertThat(pausesAfterLowering).isEqualTo(1);
        full.set(false);
        receive(peer);
        receive(peer);
        assertThat(onLoop(loop, protocol.resumes::get)).isEqualTo(1);
    }
}
