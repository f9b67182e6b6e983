package io.magnetar.clients;

import static io.magnetar.clients.PoolFixture.await;
import static io.magnetar.clients.PoolFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoop;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AbstractClient over real loopback TCP against a TcpServer of a toy line protocol. */
class AbstractClientTest {

    /** The smallest concrete client: line connections over a transport. */
    static final class LineClient extends AbstractClient {
        LineClient(TransportProvider transport) {
            super(
                    transport,
                    () -> new Connection(LineConsumers.Client::new),
                    Endpoint.builder().connectTimeout(Duration.ofSeconds(5)).build());
        }
    }

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "client-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private final LineClient client = new LineClient(tcp);
    private TcpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() throws Exception {
        server = TcpServer.builder(tcp, () -> new Connection(() -> new LineConsumers.Server(gate)))
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        address = await(server.startServing()).address();
    }

    @AfterEach
    void stop() throws Exception {
        gate.complete(null);
        client.abort().get(5, TimeUnit.SECONDS);
        server.close().get(10, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    /** Waits until everything queued on {@code loop} so far has run. */
    private static void drain(EventLoop loop) throws Exception {
        CompletableFuture.runAsync(() -> {}, loop).get(5, TimeUnit.SECONDS);
    }

    @Test
    void createConnectionConnectsAndCountsSessionsAndRequests() throws Exception {
        List<Object> made = new CopyOnWriteArrayList<>();
        client.bindEvent(AbstractClient.CONNECTION_MADE, made::add);
        Connection c = await(client.createConnection(address));
        assertThat(await(c.request("hello"))).isEqualTo("hello");
        assertThat(await(c.request("again"))).isEqualTo("again");
        assertThat(client.sessions()).isEqualTo(1);
        assertThat(client.requestsProcessed()).isEqualTo(2);
        assertThat(client.connections()).isEqualTo(1);
        assertThat(made).containsExactly(c);
    }

    @Test
    void createConnectionFailsWithConnectExceptionWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Throwable error = failure(client.createConnection(new InetSocketAddress("127.0.0.1", closedPort)));
        assertThat(error).isInstanceOf(ConnectException.class);
        assertThat(client.connections()).isZero();
    }

    @Test
    void connectsWithItsConnectTimeoutAndReportsTheTransportsTimeout() throws Exception {
        List<Endpoint> asked = new CopyOnWriteArrayList<>();
        TransportProvider slow = new TransportProvider() {
            @Override
            public CompletableFuture<io.magnetar.api.Server> listen(Endpoint endpoint, ProtocolFactory factory) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<io.magnetar.api.StreamTransport> connect(
                    InetSocketAddress a, Endpoint e, io.magnetar.api.Protocol p) {
                asked.add(e);
                return CompletableFuture.failedFuture(new SocketTimeoutException("connect to " + a + " timed out"));
            }
        };
        LineClient timingOut = new LineClient(slow);
        Throwable error = failure(timingOut.createConnection(address));
        assertThat(error).isInstanceOf(SocketTimeoutException.class);
        assertThat(asked).singleElement().extracting(Endpoint::connectTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(timingOut.connections()).isZero();
        await(timingOut.close());
    }

    @Test
    void closeClosesIdleConnectionsAndLetsExchangesInProgressFinish() throws Exception {
        Connection idle = await(client.createConnection(address));
        Connection busy = await(client.createConnection(address));
        CompletableFuture<Object> held = busy.request("hold");
        CompletableFuture<Void> closed = client.close();
        await(idle.connectionLost());
        drain(busy.transport().loop());
        assertThat(busy.isClosed()).isFalse();
        assertThat(closed).isNotDone();
        assertThat(failure(client.createConnection(address))).isInstanceOf(IllegalStateException.class);
        gate.complete(null);
        assertThat(await(held)).isEqualTo("hold");
        await(closed);
        assertThat(busy.isClosed()).isTrue();
        assertThat(client.fired(AbstractClient.FINISH)).isTrue();
    }

    @Test
    void closeAbortsExchangesStillInProgressAfterItsTimeout() throws Exception {
        Connection busy = await(client.createConnection(address));
        CompletableFuture<Object> held = busy.request("hold");
        drain(busy.transport().loop());
        await(client.close(Duration.ofMillis(20)));
        assertThat(failure(held)).isInstanceOf(EOFException.class);
        assertThat(client.connections()).isZero();
    }

    @Test
    void abortFailsExchangesInProgressAtOnce() throws Exception {
        Connection busy = await(client.createConnection(address));
        CompletableFuture<Object> held = busy.request("hold");
        await(client.abort());
        assertThat(failure(held))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("connection closed before the exchange finished");
    }

    @Test
    void aFactoryThatDoesNotMakeConnectionsIsRefused() throws Exception {
        ProtocolFactory plain = () -> new io.magnetar.protocols.Protocol();
        assertThat(failure(client.createConnection(address, plain)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be Connections");
    }

    @Test
    void aPoolOverTheClientReusesOneRealConnection() throws Exception {
        Pool pool =
                Pool.builder(() -> client.createConnection(address)).poolSize(2).build();
        try {
            for (int i = 0; i < 5; i++) {
                try (PoolConnection lease = await(pool.acquire())) {
                    assertThat(await(lease.request("m" + i))).isEqualTo("m" + i);
                }
            }
            assertThat(client.sessions()).isEqualTo(1);
            assertThat(client.requestsProcessed()).isEqualTo(5);
        } finally {
            await(pool.close());
        }
        await(client.close());
        assertThat(client.connections()).isZero();
    }
}
