package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static io.magnetar.udp.Udp.bytesOf;
import static io.magnetar.udp.Udp.receive;
import static io.magnetar.udp.Udp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DatagramServerTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "udp-server-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);
    private final List<RecordingProtocol> protocols = new CopyOnWriteArrayList<>();
    private final List<DatagramSocket> peers = new ArrayList<>();
    private DatagramServer server;

    @AfterEach
    void tearDown() throws Exception {
        for (DatagramSocket p : peers) {
            p.close();
        }
        if (server != null) {
            await(server.close());
        }
        await(group.close());
    }

    private RecordingProtocol newEcho() {
        RecordingProtocol p = RecordingProtocol.echo();
        protocols.add(p);
        return p;
    }

    private DatagramSocket client() throws Exception {
        DatagramSocket s = Udp.peer("127.0.0.1");
        peers.add(s);
        return s;
    }

    private static String exchange(DatagramSocket client, InetSocketAddress server, String text) throws Exception {
        send(client, text.getBytes(StandardCharsets.UTF_8), server);
        return new String(bytesOf(receive(client)), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(DatagramServer s, String name) {
        return (Map<String, Object>) s.info().get(name);
    }

    @Test
    void servesEverySocketWithItsOwnProtocolAndCountsDatagramsInInfo() throws Exception {
        server = DatagramServer.builder(udp, this::newEcho)
                .endpoints(List.of(Endpoint.of("127.0.0.1", 0), Endpoint.of("127.0.0.1", 0)))
                .build();
        AtomicInteger starts = new AtomicInteger();
        server.bindEvent(DatagramServer.START, s -> starts.incrementAndGet());

        assertThat(await(server.startServing())).isSameAs(server);
        List<InetSocketAddress> bound = server.addresses();
        assertThat(bound).hasSize(2);
        assertThat(protocols).hasSize(2);
        DatagramSocket client = client();
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(client, bound.get(0), "a" + i)).isEqualTo("a" + i);
        }
        assertThat(exchange(client, bound.get(1), "b")).isEqualTo("b");

        assertThat(starts).hasValue(1);
        assertThat(protocols.get(0).received).hasValue(3);
        assertThat(protocols.get(1).received).hasValue(1);
        // The echo leaves before its datagram is counted as processed: poll both counts.
        Udp.eventually("requests counted", () -> server.requestsProcessed() == 4);
        Udp.eventually("sends counted", () -> server.datagramsSent() == 4);
        Map<String, Object> s = section(server, "server");
        Map<String, Object> c = section(server, "clients");
        assertThat((List<String>) s.get("sockets"))
                .containsExactly(
                        "127.0.0.1:" + bound.get(0).getPort(),
                        "127.0.0.1:" + bound.get(1).getPort());
        assertThat(s).containsEntry("max_requests", 0L);
        assertThat(c)
                .containsEntry("requests_processed", 4L)
                .containsEntry("datagrams_received", 4L)
                .containsEntry("datagrams_sent", 4L)
                .containsEntry("errors_received", 0L);
    }

    @Test
    void closeFiresStopOnceAfterEveryPortIsReleased() throws Exception {
        server = DatagramServer.builder(udp, this::newEcho)
                .endpoints(List.of(Endpoint.of("127.0.0.1", 0), Endpoint.of("127.0.0.1", 0)))
                .build();
        await(server.startServing());
        List<InetSocketAddress> bound = server.addresses();
        CompletableFuture<Boolean> portsFreeAtStop =
                server.event(DatagramServer.STOP).thenApply(s -> bound.stream().allMatch(DatagramServerTest::free));

        CompletableFuture<Void> first = server.close();

        assertThat(server.close()).isSameAs(first);
        await(first);
        assertThat(await(portsFreeAtStop)).isTrue();
        assertThat(server.isServing()).isFalse();
        assertThat(protocols).allSatisfy(p -> assertThat(p.lostCalls).hasValue(1));
        assertThat((List<?>) section(server, "server").get("sockets")).isEmpty();
        assertThatThrownBy(() -> await(server.startServing())).isInstanceOf(IllegalStateException.class);
    }

    private static boolean free(InetSocketAddress a) {
        try (DatagramSocket s = new DatagramSocket(a)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void maxRequestsIsATotalAfterWhichTheServerAnswersTheLastAndStops() throws Exception {
        server = DatagramServer.builder(udp, this::newEcho)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .maxRequests(3)
                .build();
        await(server.startServing());
        InetSocketAddress address = server.address();
        DatagramSocket client = client();

        // Five at once: exactly three are handled, each answered; the rest are not handed to the protocol.
        for (int i = 0; i < 5; i++) {
            send(client, ("m" + i).getBytes(StandardCharsets.UTF_8), address);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(new String(bytesOf(receive(client)), StandardCharsets.UTF_8))
                    .isEqualTo("m" + i);
        }

        await(server.event(DatagramServer.STOP));
        assertThat(server.isServing()).isFalse();
        assertThat(server.requestsProcessed()).isEqualTo(3);
        assertThat(protocols.get(0).received).hasValue(3);
        assertThat(server.datagramsReceived()).isBetween(3L, 5L);
        assertThat(section(server, "server")).containsEntry("max_requests", 3L);
        assertThat(free(address)).isTrue();
    }

    @Test
    void startFailsWhenOneSocketCannotBindAndClosesTheOthers() throws Exception {
        DatagramSocket taken = client();
        server = DatagramServer.builder(udp, this::newEcho)
                .endpoints(List.of(
                        Endpoint.of("127.0.0.1", 0),
                        Endpoint.builder()
                                .host("127.0.0.1")
                                .port(taken.getLocalPort())
                                .reuseAddress(false)
                                .build()))
                .build();

        assertThatThrownBy(() -> await(server.startServing()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(Integer.toString(taken.getLocalPort()));

        assertThat(protocols).hasSize(2);
        assertThat(await(protocols.get(0).lost)).isNull();
        assertThat(protocols.get(1).made).isNotDone();
        assertThat(server.isServing()).isFalse();
    }
}
