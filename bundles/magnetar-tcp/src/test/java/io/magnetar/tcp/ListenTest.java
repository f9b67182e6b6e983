package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoop;
import io.magnetar.api.Server;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ListenTest {

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(2, "listen-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void listensAndEchoesOnIpv6Loopback() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, ipv6Loopback)) {
            Assumptions.assumeTrue(probe.isBound());
        } catch (IOException e) {
            Assumptions.abort("IPv6 loopback ::1 is not available here: " + e);
        }
        EchoServer server =
                EchoServer.listen(provider, Endpoint.builder().host("::1").build(), EchoProtocol::new);

        assertThat(server.address().getAddress())
                .isInstanceOf(Inet6Address.class)
                .isEqualTo(ipv6Loopback);
        assertThat(server.address().getPort()).isPositive();
        try (Socket client = server.connect()) {
            client.getOutputStream().write("over ipv6".getBytes(US_ASCII));

            assertThat(new String(Loopback.readExactly(client, 9), US_ASCII)).isEqualTo("over ipv6");
        }
    }

    @Test
    void failsToListenOnAPortInUseWithCannotListenOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = Endpoint.of("127.0.0.1", taken.getLocalPort());

            assertThatThrownBy(() -> await(provider.listen(endpoint, EchoProtocol::new)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on")
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void serverCloseServesConnectionsStillInTheBacklogInsteadOfResettingThem() throws Exception {
        List<EchoProtocol> made = new CopyOnWriteArrayList<>();
        Server server =
                await(provider.listen(Endpoint.builder().host("127.0.0.1").build(), () -> {
                    EchoProtocol p = new EchoProtocol();
                    made.add(p);
                    return p;
                }));
        // With every loop held, the kernel completes the handshakes but nobody accepts: the clients
        // sit in the listener's backlog, connected as far as they can tell, their requests sent.
        CountDownLatch hold = new CountDownLatch(1);
        for (EventLoop loop : group.loops()) {
            loop.execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket c = new Socket();
                c.connect(server.localAddress(), (int) Loopback.TIMEOUT.toMillis());
                c.setSoTimeout((int) Loopback.TIMEOUT.toMillis());
                c.getOutputStream().write(("request " + i).getBytes(US_ASCII));
                clients.add(c);
            }
            CompletableFuture<Void> closed = server.close();
            hold.countDown();
            await(closed);

            assertThat(made)
                    .as("every queued connection reached a protocol before close completed")
                    .hasSize(5);
            for (int i = 0; i < 5; i++) {
                String request = "request " + i;
                assertThat(new String(Loopback.readExactly(clients.get(i), request.length()), US_ASCII))
                        .isEqualTo(request);
            }
        } finally {
            hold.countDown();
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void serverCloseReleasesThePortAndLeavesConnectionsOpen() throws Exception {
        EchoServer server = EchoServer.listen(provider, EchoProtocol::new);
        InetSocketAddress address = server.address();
        try (Socket client = server.connect()) {
            server.protocolOf(client);

            await(server.server.close());

            assertThat(server.server.isServing()).isFalse();
            try (ServerSocket rebound = new ServerSocket()) {
                rebound.bind(address);
                assertThat(rebound.getLocalPort()).isEqualTo(address.getPort());
            }
            client.getOutputStream().write("still echoed".getBytes(US_ASCII));
            assertThat(new String(Loopback.readExactly(client, 12), US_ASCII)).isEqualTo("still echoed");
        }
    }
}
