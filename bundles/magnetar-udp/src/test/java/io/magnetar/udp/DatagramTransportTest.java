package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static io.magnetar.udp.Udp.bytesOf;
import static io.magnetar.udp.Udp.receive;
import static io.magnetar.udp.Udp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DatagramSocketTransport} through {@link UdpTransportProvider}, against plain blocking peers. */
@Timeout(60)
class DatagramTransportTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "udp-transport-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);
    private final List<DatagramSocket> peers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (DatagramSocket p : peers) {
            p.close();
        }
        await(group.close());
    }

    private DatagramSocket peer(String host) throws Exception {
        DatagramSocket s = Udp.peer(host);
        peers.add(s);
        return s;
    }

    private static InetSocketAddress local(DatagramTransport t) {
        return (InetSocketAddress) t.extraInfo(Transport.SOCKNAME);
    }

    private static String host(String family) {
        if (family.equals("ipv6")) {
            assumeTrue(Udp.ipv6Loopback(), "IPv6 loopback ::1 is not available on this machine");
            return "::1";
        }
        return "127.0.0.1";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipv4", "ipv6"})
    void echoesDatagramsToTheirSender(String family) throws Exception {
        String host = host(family);
        RecordingProtocol echo = RecordingProtocol.echo();
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of(host, 0), echo));
        DatagramSocket client = peer(host);

        for (String m : List.of("one", "two", "three")) {
            send(client, m.getBytes(StandardCharsets.UTF_8), local(t));
            DatagramPacket reply = receive(client);
            assertThat(new String(bytesOf(reply), StandardCharsets.UTF_8)).isEqualTo(m);
            assertThat(reply.getSocketAddress()).isEqualTo(local(t));
        }
        assertThat(echo.datagrams.take().from()).isEqualTo(client.getLocalSocketAddress());
        assertThat(t.isConnected()).isFalse();
        assertThat(t.extraInfo(Transport.PEERNAME)).isNull();
        assertThat(echo.offLoop).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipv4", "ipv6"})
    void echoesADatagramOfTheLargestIpv4Payload(String family) throws Exception {
        String host = host(family);
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of(host, 0), RecordingProtocol.echo()));
        DatagramSocket client = peer(host);
        byte[] big = Udp.payload(Udp.MAX_IPV4_PAYLOAD);

        send(client, big, local(t));

        assertThat(bytesOf(receive(client))).isEqualTo(big);
    }

    @Test
    void datagramOverTheIpv4LimitIsReportedThroughErrorReceivedAndTheTransportStaysOpen() throws Exception {
        RecordingProtocol p = new RecordingProtocol();
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p));
        DatagramSocket client = peer("127.0.0.1");

        t.sendTo(Udp.wrap(new byte[Udp.MAX_IPV4_PAYLOAD + 1]), client.getLocalSocketAddress());

        assertThat(p.errors.poll(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        t.sendTo(Udp.wrap("after".getBytes(StandardCharsets.UTF_8)), client.getLocalSocketAddress());
        assertThat(bytesOf(receive(client))).asString(StandardCharsets.UTF_8).isEqualTo("after");
        assertThat(t.isClosing()).isFalse();
        assertThat(p.lost).isNotDone();
    }

    @Test
    void emptyDatagramsTravelBothWays() throws Exception {
        RecordingProtocol echo = RecordingProtocol.echo();
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), echo));
        DatagramSocket client = peer("127.0.0.1");

        send(client, new byte[0], local(t));

        assertThat(receive(client).getLength()).isZero();
        assertThat(echo.datagrams.take().data()).isEmpty();
    }

    @Test
    void connectedTransportSendsToItsPeerWhenNoAddressIsGivenAndHearsItsReplies() throws Exception {
        DatagramSocket server = peer("127.0.0.1");
        RecordingProtocol p = new RecordingProtocol();
        DatagramTransport t = await(udp.connectDatagram((InetSocketAddress) server.getLocalSocketAddress(), null, p));

        t.sendTo(Udp.wrap("ping".getBytes(StandardCharsets.UTF_8)), null);
        DatagramPacket got = receive(server);
        assertThat(bytesOf(got)).asString(StandardCharsets.UTF_8).isEqualTo("ping");
        assertThat(got.getSocketAddress()).isEqualTo(local(t));
        send(server, "pong".getBytes(StandardCharsets.UTF_8), local(t));

        RecordingProtocol.Datagram reply = p.datagrams.poll(10, TimeUnit.SECONDS);
        assertThat(reply.data()).asString(StandardCharsets.UTF_8).isEqualTo("pong");
        assertThat(reply.from()).isEqualTo(server.getLocalSocketAddress());
        assertThat(t.isConnected()).isTrue();
        assertThat(t.extraInfo(Transport.PEERNAME)).isEqualTo(server.getLocalSocketAddress());
    }

    @Test
    void connectedTransportRefusesAnotherDestinationAndUnconnectedOneRefusesNone() throws Exception {
        DatagramSocket server = peer("127.0.0.1");
        DatagramSocket other = peer("127.0.0.1");
        DatagramTransport connected = await(
                udp.connectDatagram((InetSocketAddress) server.getLocalSocketAddress(), null, new RecordingProtocol()));
        DatagramTransport unconnected = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), new RecordingProtocol()));

        assertThatThrownBy(() -> connected.sendTo(Udp.wrap(new byte[1]), other.getLocalSocketAddress()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connected to");
        assertThatThrownBy(() -> unconnected.sendTo(Udp.wrap(new byte[1]), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without an address");
        // The connected peer given explicitly is fine.
        connected.sendTo(Udp.wrap(new byte[] {7}), server.getLocalSocketAddress());
        assertThat(bytesOf(receive(server))).containsExactly(7);
    }

    @Test
    void portUnreachableOnAConnectedSocketReachesErrorReceivedAndTheTransportStaysUsable() throws Exception {
        DatagramSocket gone = peer("127.0.0.1");
        InetSocketAddress target = (InetSocketAddress) gone.getLocalSocketAddress();
        gone.close(); // nothing listens there now: the kernel answers with ICMP port unreachable
        RecordingProtocol p = new RecordingProtocol();
        DatagramTransport t = await(udp.connectDatagram(target, null, p));

        t.sendTo(Udp.wrap("anyone?".getBytes(StandardCharsets.UTF_8)), null);

        assertThat(p.errors.poll(10, TimeUnit.SECONDS)).isInstanceOf(PortUnreachableException.class);
        assertThat(t.isClosing()).isFalse();
        assertThat(p.lost).isNotDone();
        // The peer comes (back) on the same port: the same transport now reaches it.
        DatagramSocket back = new DatagramSocket(target);
        peers.add(back);
        back.setSoTimeout((int) Udp.TIMEOUT.toMillis());
        t.sendTo(Udp.wrap("now?".getBytes(StandardCharsets.UTF_8)), null);
        assertThat(bytesOf(receive(back))).asString(StandardCharsets.UTF_8).isEqualTo("now?");
        send(back, "yes".getBytes(StandardCharsets.UTF_8), local(t));
        assertThat(p.datagrams.poll(10, TimeUnit.SECONDS).data())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("yes");
        assertThat(p.offLoop).isNull();
    }

    @Test
    void sendsFromAnotherThreadKeepTheirOrder() throws Exception {
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), new RecordingProtocol()));
        DatagramSocket client = peer("127.0.0.1");

        for (int i = 0; i < 200; i++) {
            t.sendTo(Udp.wrap(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)), client.getLocalSocketAddress());
        }

        for (int i = 0; i < 200; i++) {
            assertThat(bytesOf(receive(client)))
                    .asString(StandardCharsets.US_ASCII)
                    .isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void closeCallsConnectionLostOnceAfterThePortIsReleased() throws Exception {
        RecordingProtocol p = new RecordingProtocol();
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p));
        InetSocketAddress bound = local(t);
        CompletableFuture<Boolean> portFreeWhenLost = p.lost.thenApply(cause -> {
            // Runs on the loop inside connectionLost: the port must already be free.
            try (DatagramSocket again = new DatagramSocket(bound)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });

        t.close();
        t.close();
        t.abort();

        assertThat(await(p.lost)).isNull();
        assertThat(await(portFreeWhenLost)).as("port free in connectionLost").isTrue();
        assertThat(t.isClosing()).isTrue();
        assertThat(Udp.onLoop(t.loop(), p.lostCalls::get)).isEqualTo(1);
        t.sendTo(Udp.wrap(new byte[1]), bound); // dropped, no error
        assertThat(Udp.onLoop(t.loop(), p.errors::size)).isZero();
    }

    @Test
    void closingTheLoopGroupAbortsTheTransport() throws Exception {
        RecordingProtocol p = new RecordingProtocol();
        await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p));

        await(group.close());

        assertThat(p.lost).isDone();
        assertThat(p.lostCalls).hasValue(1);
    }

    @Test
    void protocolThatThrowsInConnectionMadeFailsTheFutureAndHearsConnectionLostWithTheCause() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        RecordingProtocol p = new RecordingProtocol() {
            @Override
            public void connectionMade(DatagramTransport t) {
                super.connectionMade(t);
                throw boom;
            }
        };

        assertThatThrownBy(() -> await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p)))
                .isInstanceOf(IOException.class);

        assertThat(await(p.lost)).isSameAs(boom);
    }

    @Test
    void protocolThatClosesInConnectionMadeStillGetsItsTransport() throws Exception {
        RecordingProtocol p = new RecordingProtocol() {
            @Override
            public void connectionMade(DatagramTransport t) {
                super.connectionMade(t);
                t.close();
            }
        };

        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p));

        assertThat(t.isClosing()).isTrue();
        assertThat(await(p.lost)).isNull();
    }

    @Test
    void protocolThatThrowsInDatagramReceivedEndsTheTransportWithTheCause() throws Exception {
        IllegalStateException boom = new IllegalStateException("bad datagram");
        RecordingProtocol p = new RecordingProtocol() {
            @Override
            public void datagramReceived(ByteBuffer data, SocketAddress address) {
                throw boom;
            }
        };
        DatagramTransport t = await(udp.bindDatagram(Endpoint.of("127.0.0.1", 0), p));

        send(peer("127.0.0.1"), new byte[] {1}, local(t));

        assertThat(await(p.lost)).isSameAs(boom);
        assertThat(t.isClosing()).isTrue();
        assertThat(p.lostCalls).hasValue(1);
    }

    @Test
    void bindErrorFailsTheFutureWithTheCause() throws Exception {
        DatagramSocket taken = peer("127.0.0.1");
        Endpoint same = Endpoint.builder()
                .host("127.0.0.1")
                .port(taken.getLocalPort())
                .reuseAddress(false)
                .build();

        assertThatThrownBy(() -> await(udp.bindDatagram(same, new RecordingProtocol())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort());
    }

    @Test
    void udpProviderDoesNotDoStreamsAndStreamProvidersDoNotDoDatagrams() {
        assertThatThrownBy(() -> await(udp.listen(Endpoint.of("127.0.0.1", 0), () -> null)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("udp does not do streams");
        assertThatThrownBy(() ->
                        await(udp.connect(new InetSocketAddress("127.0.0.1", 9), Endpoint.of("127.0.0.1", 0), null)))
                .isInstanceOf(UnsupportedOperationException.class);
        TransportProvider streamsOnly = new StreamsOnlyProvider();
        assertThatThrownBy(() -> await(streamsOnly.bindDatagram(Endpoint.of("127.0.0.1", 0), new RecordingProtocol())))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("does not do datagrams");
        assertThatThrownBy(() -> await(streamsOnly.connectDatagram(
                        new InetSocketAddress("127.0.0.1", 9), null, new RecordingProtocol())))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void receiveAndSendBufferSizesComeFromEndpointProperties() throws Exception {
        Endpoint e = Endpoint.builder()
                .host("127.0.0.1")
                .port(0)
                .property(UdpTransportProvider.RECEIVE_BUFFER_SIZE, "65536")
                .property(UdpTransportProvider.SEND_BUFFER_SIZE, 32768)
                .build();
        DatagramTransport t = await(udp.bindDatagram(e, new RecordingProtocol()));
        DatagramChannel ch = (DatagramChannel) t.extraInfo(Transport.SOCKET);

        // Linux doubles the asked size for its bookkeeping; other kernels may not.
        assertThat(ch.getOption(StandardSocketOptions.SO_RCVBUF)).isBetween(65536, 2 * 65536);
        assertThat(ch.getOption(StandardSocketOptions.SO_SNDBUF)).isBetween(32768, 2 * 32768);
    }

    /** A provider of streams only: it inherits the datagram defaults. */
    private static final class StreamsOnlyProvider implements TransportProvider {
        @Override
        public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<StreamTransport> connect(
                InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
            throw new UnsupportedOperationException();
        }
    }
}
