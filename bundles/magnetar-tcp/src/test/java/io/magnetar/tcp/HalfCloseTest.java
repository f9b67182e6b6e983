package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HalfCloseTest {

    private static final byte[] REPLY = Loopback.payload(1024 * 1024);

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(2, "half-close-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void closesTheTransportAfterEofWhenEofReceivedReturnsFalse() throws Exception {
        EchoServer server = EchoServer.listen(provider, EchoProtocol::new);
        try (Socket client = server.connect()) {
            client.getOutputStream().write("last words".getBytes(US_ASCII));
            client.shutdownOutput();

            assertThat(new String(Loopback.readToEof(client), US_ASCII)).isEqualTo("last words");
            EchoProtocol echo = server.protocolOf(client);
            assertThat(await(echo.lost)).isNull();
            assertThat(echo.eofCalls).hasValue(1);
            assertThat(echo.lostCalls).hasValue(1);
        }
    }

    @Test
    void keepsTheTransportWritableAfterEofWhenEofReceivedReturnsTrue() throws Exception {
        EchoServer server = EchoServer.listen(provider, ReplyAfterEof::new);
        try (Socket client = server.connect()) {
            client.shutdownOutput();

            byte[] reply = Loopback.readToEof(client);

            assertThat(reply).hasSize(REPLY.length);
            assertThat(Arrays.mismatch(reply, REPLY)).isEqualTo(-1);
            ReplyAfterEof protocol = server.protocolOf(client);
            assertThat(await(protocol.lost)).isNull();
            assertThat(protocol.eofCalls).hasValue(1);
            assertThat(protocol.openAfterEof).isTrue();
        }
    }

    @Test
    void writeEofSendsEofAfterAllBufferedDataAndKeepsReading() throws Exception {
        EchoServer server = EchoServer.listen(provider, WriteThenEof::new);
        try (Socket client = server.connect()) {
            byte[] received = Loopback.readToEof(client);

            assertThat(received).hasSize(REPLY.length);
            assertThat(Arrays.mismatch(received, REPLY)).isEqualTo(-1);
            WriteThenEof protocol = server.protocolOf(client);
            StreamTransport transport = protocol.transport;
            assertThat(Loopback.onLoop(transport.loop(), transport::canWriteEof))
                    .isTrue();
            assertThat(transport.isClosing()).isFalse();

            client.getOutputStream().write("still listening?".getBytes(US_ASCII));
            client.shutdownOutput();

            assertThat(new String(await(protocol.received), US_ASCII)).isEqualTo("still listening?");
            assertThat(await(protocol.lost)).isNull();
            assertThat(protocol.eofCalls).hasValue(1);
        }
    }

    /** Keeps the transport on EOF, then writes a large reply after eofReceived returned, and closes. */
    static final class ReplyAfterEof extends EchoProtocol {
        volatile boolean openAfterEof;

        @Override
        public boolean eofReceived() {
            super.eofReceived();
            StreamTransport t = transport;
            t.loop().execute(() -> {
                openAfterEof = !t.isClosing();
                Loopback.smallSendBuffer(t);
                for (ByteBuffer chunk : Loopback.chunks(REPLY, 64 * 1024)) {
                    t.write(chunk);
                }
                t.close();
            });
            return true;
        }
    }

    /** Writes the reply, half-closes at once (while most of it is still queued) and collects what comes back. */
    static final class WriteThenEof extends CollectingProtocol {
        WriteThenEof() {
            super(Integer.MAX_VALUE);
        }

        @Override
        public void connectionMade(StreamTransport t) {
            super.connectionMade(t);
            Loopback.smallSendBuffer(t);
            for (ByteBuffer chunk : Loopback.chunks(REPLY, 64 * 1024)) {
                t.write(chunk);
            }
            t.writeEof();
        }
    }
}
