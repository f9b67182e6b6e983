package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AbstractUdpClient} and pulsar's {@link DatagramProtocol} base against a {@link DatagramServer}. */
@Timeout(60)
class AbstractUdpClientTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "udp-client-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);
    private DatagramServer server;
    private PingClient client;

    /** Keeps every datagram it hears as text. */
    static final class Pinger extends DatagramProtocol {
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress address) {
            super.datagramReceived(data, address);
            replies.add(StandardCharsets.UTF_8.decode(data).toString());
        }
    }

    static final class PingClient extends AbstractUdpClient<Pinger> {
        PingClient(TransportProvider transport) {
            super(transport);
        }

        @Override
        protected Pinger newProtocol() {
            return new Pinger();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        server = DatagramServer.builder(udp, RecordingProtocol::echo).build();
        await(server.startServing());
        client = new PingClient(udp);
    }

    @AfterEach
    void tearDown() throws Exception {
        await(client.close());
        await(server.close());
        await(group.close());
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void connectedEndpointSendsToTheServerWithoutNamingItAndHearsTheReply() throws Exception {
        Pinger p = await(client.createDatagramEndpoint(server.address()));

        assertThat(p.connectionMade()).isDone();
        assertThat(p.transport().isConnected()).isTrue();
        assertThat(p.address()).isEqualTo(server.address());
        p.sendTo(text("ping"), null);

        assertThat(p.replies.poll(10, TimeUnit.SECONDS)).isEqualTo("ping");
        assertThat(Udp.onLoop(p.transport().loop(), p::dataReceivedCount)).isEqualTo(1);
        assertThat(client.sessions()).isEqualTo(1);
        assertThat(client.openEndpoints()).isEqualTo(1);
    }

    @Test
    void unconnectedEndpointNamesTheDestinationOfEverySend() throws Exception {
        Pinger p = await(client.createDatagramEndpoint(null, Endpoint.of("127.0.0.1", 0)));

        assertThat(p.transport().isConnected()).isFalse();
        p.sendTo(text("hello"), server.address());

        assertThat(p.replies.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
    }

    @Test
    void closeEndsEveryEndpointAndRefusesNewOnes() throws Exception {
        Pinger a = await(client.createDatagramEndpoint(server.address()));
        Pinger b = await(client.createDatagramEndpoint(server.address()));

        await(client.close());

        assertThat(a.connectionLost()).isDone();
        assertThat(b.connectionLost()).isDone();
        assertThat(client.openEndpoints()).isZero();
        assertThatThrownBy(() -> await(client.createDatagramEndpoint(server.address())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void errorsReachTheProtocolAndTheEndpointStaysOpen() throws Exception {
        InetSocketAddress nobody;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            nobody = (InetSocketAddress) s.getLocalSocketAddress();
        }
        Pinger p = await(client.createDatagramEndpoint(nobody));

        p.sendTo(text("anyone?"), null);

        Udp.eventually("ICMP error heard", () -> errorsOf(p) > 0);
        assertThat(p.isClosed()).isFalse();
    }

    private static long errorsOf(Pinger p) {
        try {
            return Udp.onLoop(p.transport().loop(), p::errorsReceived);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sendToBeforeConnectionMadeIsRefused() {
        assertThatThrownBy(() -> new Pinger().sendTo(text("early"), server.address()))
                .isInstanceOf(IllegalStateException.class);
    }
}
