package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.DatagramTransport;
import io.magnetar.api.EventLoop;
import io.magnetar.protocol.echo.internal.DatagramEchoProtocolFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DatagramEchoProtocol} against a recording transport: what it sends, where, and when it drops. */
class DatagramEchoProtocolTest {

    private static final SocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4000);

    /** Remembers every send; nothing else is needed by the echo. */
    private static final class SentTransport implements DatagramTransport {
        record Sent(byte[] data, SocketAddress to) {}

        final List<Sent> sent = new ArrayList<>();
        final boolean connected;

        SentTransport(boolean connected) {
            this.connected = connected;
        }

        @Override
        public void sendTo(ByteBuffer data, SocketAddress address) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            sent.add(new Sent(b, address));
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {}

        @Override
        public long writeBufferSize() {
            return 0;
        }

        @Override
        public int writeBufferHighWater() {
            return DEFAULT_HIGH_WATER;
        }

        @Override
        public int writeBufferLowWater() {
            return DEFAULT_HIGH_WATER / 4;
        }

        @Override
        public EventLoop loop() {
            return null;
        }

        @Override
        public Object extraInfo(String key) {
            return null;
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public void close() {}

        @Override
        public void abort() {}
    }

    @Test
    void sendsACopyOfEachDatagramBackToItsSender() {
        SentTransport t = new SentTransport(false);
        DatagramEchoProtocol echo = new DatagramEchoProtocol();
        echo.connectionMade(t);
        ByteBuffer loopBuffer = ByteBuffer.wrap(new byte[] {1, 2, 3});

        echo.datagramReceived(loopBuffer, CLIENT);
        loopBuffer.put(0, (byte) 9); // the loop reuses its buffer for the next read

        assertThat(t.sent).hasSize(1);
        assertThat(t.sent.get(0).data()).containsExactly(1, 2, 3);
        assertThat(t.sent.get(0).to()).isEqualTo(CLIENT);
    }

    @Test
    void onAConnectedTransportRepliesToThePeer() {
        SentTransport t = new SentTransport(true);
        DatagramEchoProtocol echo = new DatagramEchoProtocol();
        echo.connectionMade(t);

        echo.datagramReceived(ByteBuffer.allocate(0), CLIENT);

        assertThat(t.sent).singleElement().satisfies(s -> {
            assertThat(s.data()).isEmpty();
            assertThat(s.to()).isNull();
        });
    }

    @Test
    void dropsAndCountsDatagramsWhileWritingIsPaused() {
        SentTransport t = new SentTransport(false);
        DatagramEchoProtocol echo = new DatagramEchoProtocol();
        echo.connectionMade(t);

        echo.pauseWriting();
        echo.datagramReceived(ByteBuffer.wrap(new byte[] {1}), CLIENT);
        echo.datagramReceived(ByteBuffer.wrap(new byte[] {2}), CLIENT);
        echo.resumeWriting();
        echo.datagramReceived(ByteBuffer.wrap(new byte[] {3}), CLIENT);

        assertThat(echo.dropped()).isEqualTo(2);
        assertThat(t.sent).extracting(s -> s.data()[0]).containsExactly((byte) 3);
    }

    @Test
    void factoryMakesAFreshEchoPerSocket() {
        DatagramEchoProtocolFactory factory = new DatagramEchoProtocolFactory();

        assertThat(factory.newProtocol())
                .isInstanceOf(DatagramEchoProtocol.class)
                .isNotSameAs(factory.newProtocol());
    }
}
