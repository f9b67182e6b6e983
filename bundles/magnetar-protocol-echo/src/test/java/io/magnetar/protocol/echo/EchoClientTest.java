package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.clients.AbstractClient;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pulsar's echo pool test ({@code examples/echo/tests.py}, {@code test_pool}) over real TCP. Client and
 * server share one loop, as in pulsar's asyncio test, so that "three concurrent requests" started in
 * one loop task really overlap: no reply can come back before all three have been asked for.
 */
class EchoClientTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "echo-client-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private TcpServer server;
    private EchoClient client;

    @BeforeEach
    void start() throws Exception {
        server = TcpServer.builder(tcp, EchoServerConsumer::newConnection)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
        client = new EchoClient(tcp, server.address(), 2);
    }

    @AfterEach
    void stop() throws Exception {
        client.abort().get(5, TimeUnit.SECONDS);
        server.close().get(10, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    /** Three requests at once (pulsar's {@code gather}), each matched to its echo. */
    private void threeConcurrentRequests() throws Exception {
        List<String> sent = List.of("ciao", "pippo", "foo");
        List<CompletableFuture<byte[]>> replies = CompletableFuture.supplyAsync(
                        () -> sent.stream().map(client::request).toList(), group.next())
                .get(5, TimeUnit.SECONDS);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(await(replies.get(i))).isEqualTo(bytes(sent.get(i)));
        }
    }

    private void assertPool(int inUse, int available, int sessions, long processed) {
        assertThat(client.pool().inUse()).as("inUse").isEqualTo(inUse);
        assertThat(client.pool().available())
                .as("available " + client.pool().stats())
                .isEqualTo(available);
        assertThat(client.sessions()).as("sessions").isEqualTo(sessions);
        assertThat(client.requestsProcessed()).as("requestsProcessed").isEqualTo(processed);
    }

    @Test
    void aPoolOfTwoMakesConnectionsOnDemandAndReusesThem() throws Exception {
        assertThat(client.pool().poolSize()).isEqualTo(2);
        assertPool(0, 0, 0, 0);

        assertThat(await(client.request("test connection"))).isEqualTo(bytes("test connection"));
        assertPool(0, 1, 1, 1);

        assertThat(await(client.request("test connection 2"))).isEqualTo(bytes("test connection 2"));
        assertPool(0, 1, 1, 2);

        threeConcurrentRequests();
        assertPool(0, 2, 2, 5);

        client.close().get(5, TimeUnit.SECONDS);
        assertPool(0, 0, 2, 5);
    }

    @Test
    void aConnectionTheServerClosedIsReplacedNotReused() throws Exception {
        BlockingQueue<Object> lost = new LinkedBlockingQueue<>();
        client.bindEvent(AbstractClient.CONNECTION_LOST, lost::add);
        threeConcurrentRequests();
        assertPool(0, 2, 2, 3);

        // QUIT is echoed, then the server closes that connection.
        assertThat(await(client.request("QUIT"))).isEqualTo(bytes("QUIT"));
        Connection dropped = (Connection) lost.poll(5, TimeUnit.SECONDS);
        assertThat(dropped).as("the connection the server closed").isNotNull();
        // The pool heard of the loss in the same loop turn; a task queued after it sees the result.
        CompletableFuture.runAsync(() -> {}, dropped.transport().loop()).get(5, TimeUnit.SECONDS);
        assertPool(0, 1, 2, 4);

        threeConcurrentRequests();
        assertPool(0, 2, 3, 7);
        assertThat(server.sessions()).isEqualTo(3);
        assertThat(lost).isEmpty();
        assertThat(client.pool().stats().closed()).isEqualTo(1);
    }

    @Test
    void manyConcurrentCallersShareAFewConnections() throws Exception {
        EchoClient four = new EchoClient(tcp, server.address(), 4);
        try {
            List<CompletableFuture<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                replies.add(four.request("message " + i));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertThat(await(replies.get(i))).isEqualTo(bytes("message " + i));
            }
            assertThat(four.sessions()).isLessThanOrEqualTo(4);
            assertThat(four.requestsProcessed()).isEqualTo(500);
            assertThat(four.pool().inUse()).isZero();
        } finally {
            four.close().get(5, TimeUnit.SECONDS);
        }
    }
}
