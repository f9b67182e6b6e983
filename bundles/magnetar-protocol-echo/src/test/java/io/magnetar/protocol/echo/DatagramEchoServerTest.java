package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocol.echo.internal.DatagramEchoProtocolFactory;
import io.magnetar.udp.DatagramServer;
import io.magnetar.udp.UdpTransportProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients at once against the UDP echo endpoint, staying under the socket buffers. */
@Timeout(120)
class DatagramEchoServerTest {

    private static final int CLIENTS = 10;
    private static final int PER_CLIENT = 1_000;
    /** Datagrams a client has in flight: 10 x 32 small datagrams fit any receive buffer many times. */
    private static final int WINDOW = 32;

    private static final int SIZE = 64;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "udp-echo-server-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private DatagramServer server;

    @AfterEach
    void tearDown() throws Exception {
        clients.shutdownNow();
        if (server != null) {
            server.close().get(30, TimeUnit.SECONDS);
        }
        group.close().get(30, TimeUnit.SECONDS);
    }

    @Test
    void tenThousandDatagramsFromTenClientsAreAllAnsweredWhenUnderTheSocketBuffer() throws Exception {
        server = DatagramServer.builder(udp, new DatagramEchoProtocolFactory())
                .endpoint(Endpoint.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .property(UdpTransportProvider.RECEIVE_BUFFER_SIZE, 4 * 1024 * 1024)
                        .build())
                .build();
        server.startServing().get(30, TimeUnit.SECONDS);
        InetSocketAddress address = server.address();

        List<Future<BitSet>> answered = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            answered.add(clients.submit(() -> pingWindowed(client, address)));
        }

        for (Future<BitSet> f : answered) {
            assertThat(f.get(60, TimeUnit.SECONDS).cardinality()).isEqualTo(PER_CLIENT);
        }
        // An echo leaves before its datagram is counted as processed: poll the count.
        DatagramEchoPeersTest.eventually(
                "all requests counted", () -> server.requestsProcessed() == (long) CLIENTS * PER_CLIENT);
        DatagramEchoPeersTest.eventually("all echoes counted", () -> server.datagramsSent() == CLIENTS * PER_CLIENT);
        assertThat(server.receiveBufferDrops()).isIn(0L, -1L);
    }

    /** Sends {@link #PER_CLIENT} numbered datagrams, never more than {@link #WINDOW} unanswered. */
    private static BitSet pingWindowed(int client, InetSocketAddress server) throws Exception {
        BitSet seen = new BitSet(PER_CLIENT);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(10_000);
            int next = 0;
            for (; next < WINDOW; next++) {
                send(s, server, client, next);
            }
            DatagramPacket reply = new DatagramPacket(new byte[SIZE], SIZE);
            while (seen.cardinality() < PER_CLIENT) {
                try {
                    s.receive(reply);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError(
                            "client " + client + " waited 10 s with " + seen.cardinality() + " of " + PER_CLIENT
                                    + " answered",
                            e);
                }
                ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
                assertThat(b.getInt()).isEqualTo(client);
                int seq = b.getInt();
                assertThat(seen.get(seq)).as("duplicate reply %d", seq).isFalse();
                seen.set(seq);
                if (next < PER_CLIENT) {
                    send(s, server, client, next++);
                }
            }
        }
        return seen;
    }

    private static void send(DatagramSocket s, InetSocketAddress to, int client, int seq) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(SIZE).putInt(client).putInt(seq);
        s.send(new DatagramPacket(b.array(), SIZE, to));
    }
}
