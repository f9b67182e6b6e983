package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConnectTest {

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(2, "connect-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void failsWithConnectExceptionNamingTheAddressWhenNothingListens() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        EchoProtocol protocol = new EchoProtocol();

        assertThatThrownBy(
                        () -> await(provider.connect(closed, Endpoint.builder().build(), protocol)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining(closed.getAddress().getHostAddress())
                .hasMessageContaining(":" + closed.getPort());
        assertThat(protocol.made).isNotDone();
        assertThat(protocol.lost).isNotDone();
    }

    @Test
    void failsWithSocketTimeoutExceptionWhenTheConnectTimesOut() throws Exception {
        // A loopback listener that never accepts: once its accept queue is full, Linux drops further
        // SYNs, so a connect neither succeeds nor is refused (no routable address is needed).
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                Assumptions.assumeTrue(
                        fillAcceptQueue(neverAccepts, fillers),
                        "this platform answers a full accept queue instead of dropping the SYN, "
                                + "so no loopback connect can be made to time out");
                Endpoint endpoint = Endpoint.builder()
                        .connectTimeout(Duration.ofMillis(300))
                        .build();
                EchoProtocol protocol = new EchoProtocol();

                assertThatThrownBy(() -> await(provider.connect(
                                (InetSocketAddress) neverAccepts.getLocalSocketAddress(), endpoint, protocol)))
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining(String.valueOf(neverAccepts.getLocalPort()));
                assertThat(protocol.made).isNotDone();
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void reportsPeernameSocknameAndSocketOnBothEnds() throws Exception {
        EchoServer server = EchoServer.listen(provider, EchoProtocol::new);
        EchoProtocol clientProtocol = new EchoProtocol();
        StreamTransport client =
                await(provider.connect(server.address(), Endpoint.builder().build(), clientProtocol));
        SocketChannel clientSocket = (SocketChannel) client.extraInfo(Transport.SOCKET);

        StreamTransport accepted = server.protocolOf(client).transport;

        assertThat(client.extraInfo(Transport.PEERNAME)).isEqualTo(server.address());
        assertThat(client.extraInfo(Transport.SOCKNAME)).isEqualTo(clientSocket.getLocalAddress());
        assertThat(accepted.extraInfo(Transport.SOCKNAME)).isEqualTo(server.address());
        assertThat(accepted.extraInfo(Transport.PEERNAME)).isEqualTo(client.extraInfo(Transport.SOCKNAME));
        assertThat(accepted.extraInfo(Transport.SOCKET)).isInstanceOf(SocketChannel.class);
        assertThat(accepted.extraInfo("no-such-key")).isNull();
        assertThat(client.extraInfo(Transport.SSL_SESSION)).isNull();
    }

    @Test
    void completesTheConnectWhenConnectionMadeWritesAndClosesAtOnce() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EchoProtocol sayByeAndClose = new EchoProtocol() {
                @Override
                public void connectionMade(StreamTransport t) {
                    super.connectionMade(t);
                    t.write(ByteBuffer.wrap("bye".getBytes(US_ASCII)));
                    t.close();
                }
            };

            StreamTransport transport = await(provider.connect(
                    (InetSocketAddress) listener.getLocalSocketAddress(),
                    Endpoint.builder().build(),
                    sayByeAndClose));

            assertThat(transport.isClosing()).isTrue();
            try (Socket peer = listener.accept()) {
                assertThat(new String(Loopback.readToEof(peer), US_ASCII)).isEqualTo("bye");
            }
            assertThat(await(sayByeAndClose.lost)).isNull();
        }
    }

    @Test
    void failsTheConnectWhenConnectionMadeThrowsAndReportsItToConnectionLost() throws Exception {
        IllegalStateException failure = new IllegalStateException("connectionMade fails on purpose");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EchoProtocol throwing = new EchoProtocol() {
                @Override
                public void connectionMade(StreamTransport t) {
                    super.connectionMade(t);
                    throw failure;
                }
            };

            assertThatThrownBy(() -> await(provider.connect(
                            (InetSocketAddress) listener.getLocalSocketAddress(),
                            Endpoint.builder().build(),
                            throwing)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("closed in connectionMade");
            assertThat(await(throwing.lost)).isSameAs(failure);
            assertThat(throwing.lostCalls).hasValue(1);
        }
    }

    /**
     * Connects blocking clients that are never accepted until one times out; true when the queue is
     * full, false when it never filled (the platform refuses or accepts instead of dropping SYNs).
     */
    private static boolean fillAcceptQueue(ServerSocket listener, List<Socket> fillers) throws Exception {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException full) {
                return true;
            } catch (ConnectException refused) {
                return false;
            }
        }
        return false;
    }
}
