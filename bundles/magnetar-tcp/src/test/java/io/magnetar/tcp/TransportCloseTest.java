package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.magnetar.api.Endpoint;
import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TransportCloseTest {

    private static final byte[] PAYLOAD = Loopback.payload(4 * 1024 * 1024);

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(2, "close-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void closeFlushesBufferedDataThenCallsConnectionLostOnce() throws Exception {
        EchoServer server = EchoServer.listen(provider, () -> new WriteThenEnd(false));
        try (Socket client = server.connect()) {
            WriteThenEnd protocol = server.protocolOf(client);

            byte[] received = Loopback.readToEof(client);

            assertThat(await(protocol.queuedAtEnd))
                    .as("bytes still queued when close was called")
                    .isPositive();
            assertThat(received).hasSize(PAYLOAD.length);
            assertThat(Arrays.mismatch(received, PAYLOAD)).isEqualTo(-1);
            assertThat(await(protocol.lost)).isNull();
            assertThat(protocol.transport.isClosing()).isTrue();
            assertConnectionLostCalledOnce(protocol);
        }
    }

    @Test
    void abortDropsBufferedDataAndCallsConnectionLostOnce() throws Exception {
        EchoServer server = EchoServer.listen(provider, () -> new WriteThenEnd(true));
        try (Socket client = server.connect()) {
            WriteThenEnd protocol = server.protocolOf(client);

            byte[] received = Loopback.readUntilEnd(client);

            long dropped = await(protocol.queuedAtEnd);
            assertThat(dropped).isPositive();
            assertThat(received.length).isLessThanOrEqualTo(PAYLOAD.length - (int) dropped);
            assertThat(Arrays.mismatch(received, Arrays.copyOf(PAYLOAD, received.length)))
                    .isEqualTo(-1);
            assertThat(await(protocol.lost)).isNull();
            assertConnectionLostCalledOnce(protocol);
        }
    }

    @Test
    void writesFromAnotherThreadKeepTheirOrder() throws Exception {
        int count = 4_000;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EchoProtocol protocol = new EchoProtocol();
            StreamTransport transport = await(provider.connect(
                    (InetSocketAddress) listener.getLocalSocketAddress(),
                    Endpoint.builder().build(),
                    protocol));
            try (Socket peer = listener.accept()) {
                assertThat(transport.loop().inEventLoop()).isFalse();
                for (int i = 0; i < count; i += 2) {
                    if (i % 1000 == 0) {
                        transport.writeLines(number(i), number(i + 1));
                    } else {
                        transport.write(number(i));
                        transport.write(number(i + 1));
                    }
                }
                transport.close();

                ByteBuffer received = ByteBuffer.wrap(Loopback.readToEof(peer));
                assertThat(received.remaining()).isEqualTo(4 * count);
                int firstOutOfOrder = -1;
                for (int i = 0; i < count && firstOutOfOrder < 0; i++) {
                    if (received.getInt() != i) {
                        firstOutOfOrder = i;
                    }
                }
                assertThat(firstOutOfOrder)
                        .as("index of the first number out of order")
                        .isEqualTo(-1);
            }
            assertThat(await(protocol.lost)).isNull();
        }
    }

    @Test
    void closingTheLoopGroupAbortsOpenConnectionsAndReleasesTheListenPort() throws Exception {
        EchoServer server = EchoServer.listen(provider, EchoProtocol::new);
        EchoProtocol clientProtocol = new EchoProtocol();
        StreamTransport clientTransport =
                await(provider.connect(server.address(), Endpoint.builder().build(), clientProtocol));
        try (Socket blocking = server.connect()) {
            EchoProtocol blockingPeer = server.protocolOf(blocking);
            EchoProtocol transportPeer = server.protocolOf(clientTransport);

            await(group.close());

            for (EchoProtocol p : new EchoProtocol[] {blockingPeer, transportPeer, clientProtocol}) {
                assertThat(p.lost).isCompletedWithValue(null);
                assertThat(p.lostCalls).hasValue(1);
                assertThat(p.transport.isClosing()).isTrue();
            }
            assertThat(blocking.getInputStream().read()).isEqualTo(-1);
            assertThatCode(() -> {
                        clientTransport.write(ByteBuffer.wrap(new byte[] {1}));
                        clientTransport.close();
                        clientTransport.abort();
                    })
                    .as("calls on a transport whose loop is gone are ignored")
                    .doesNotThrowAnyException();
            try (ServerSocket rebound = new ServerSocket()) {
                rebound.bind(server.address());
            }
        }
    }

    private static ByteBuffer number(int i) {
        return ByteBuffer.allocate(4).putInt(0, i);
    }

    /** After one more loop turn a second connectionLost would have been counted. */
    private static void assertConnectionLostCalledOnce(EchoProtocol protocol) throws Exception {
        Loopback.onLoop(protocol.transport.loop(), () -> null);
        assertThat(protocol.lostCalls).hasValue(1);
    }

    /** Queues the payload on connect, then closes or aborts at once, noting how much was still queued. */
    static final class WriteThenEnd extends EchoProtocol {
        final CompletableFuture<Long> queuedAtEnd = new CompletableFuture<>();
        private final boolean abort;

        WriteThenEnd(boolean abort) {
            this.abort = abort;
        }

        @Override
        public void connectionMade(StreamTransport t) {
            super.connectionMade(t);
            Loopback.smallSendBuffer(t);
            for (ByteBuffer chunk : Loopback.chunks(PAYLOAD, 64 * 1024)) {
                t.write(chunk);
            }
            queuedAtEnd.complete(t.writeBufferSize());
            if (abort) {
                t.abort();
            } else {
                t.close();
            }
        }
    }
}
