package io.magnetar.protocols;

import static io.magnetar.protocols.Loopback.TIMEOUT_SECONDS;
import static io.magnetar.protocols.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Server;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Connection} and {@link ProtocolConsumer} on the accepting side of real loopback TCP. */
class ConnectionServerTest {

    private final Loopback net = new Loopback("connection-server-test");
    /** Every server connection, in accept order. */
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    /** Every consumer the factory made, in creation order. */
    private final BlockingQueue<LineConsumer> consumers = new LinkedBlockingQueue<>();
    /** One permit per chunk a consumer received. */
    private final Semaphore chunks = new Semaphore(0);

    @AfterEach
    void tearDown() throws Exception {
        net.close();
    }

    private Server listenLines() throws Exception {
        return net.listen(() -> {
            Connection c = new Connection(() -> {
                LineConsumer consumer = new LineConsumer();
                consumer.onDataReceived(chunk -> chunks.release());
                consumers.add(consumer);
                return consumer;
            });
            connections.add(c);
            return c;
        });
    }

    private static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("timed out waiting for " + what);
        }
        return t;
    }

    @Test
    void pipelinedRequestsInOneWriteGoToOneConsumerEachInOrder() throws Exception {
        Server server = listenLines();
        LineClient client = net.connect(server);

        client.send("one\ntwo\nthree\n");

        assertThat(client.readLine()).isEqualTo("one");
        assertThat(client.readLine()).isEqualTo("two");
        assertThat(client.readLine()).isEqualTo("three");
        List<LineConsumer> made = new ArrayList<>(consumers);
        assertThat(made).hasSize(3).doesNotHaveDuplicates();
        assertThat(net.onLoop(() -> made.stream()
                        .map(c -> c.postRequest().getNow("not done"))
                        .toList()))
                .containsExactly("one", "two", "three");
    }

    @Test
    void requestSplitAcrossManyReadsIsAssembledByOneConsumer() throws Exception {
        Server server = listenLines();
        LineClient client = net.connect(server);
        String request = "split into twelve reads";

        for (char ch : (request + "\n").toCharArray()) {
            client.send(String.valueOf(ch));
            // Wait for the byte to be consumed, so the next one arrives in a read of its own.
            assertThat(chunks.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("chunk received")
                    .isTrue();
        }

        assertThat(client.readLine()).isEqualTo(request);
        assertThat(consumers).hasSize(1);
        Connection connection = next(connections, "connection");
        assertThat(net.onLoop(connection::dataReceivedCount)).isEqualTo(request.length() + 1L);
        assertThat(consumers.peek().postRequest()).isCompletedWithValue(request);
    }

    @Test
    void firesPreAndPostRequestOncePerExchangeOnConsumerAndOnConnection() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<LineConsumer> made = new CopyOnWriteArrayList<>();
        Server server = net.listen(() -> {
            Connection c = new Connection(() -> {
                LineConsumer consumer = new LineConsumer();
                int id = made.size() + 1;
                made.add(consumer);
                consumer.bindEvent(ProtocolConsumer.PRE_REQUEST, arg -> events.add("consumer pre " + id));
                consumer.bindEvent(ProtocolConsumer.POST_REQUEST, arg -> events.add("consumer post " + id + " " + arg));
                return consumer;
            });
            c.onPreRequest(consumer -> events.add("connection pre " + (made.indexOf(consumer) + 1)));
            c.onPostRequest(consumer ->
                    events.add("connection post " + (made.indexOf(consumer) + 1) + " processed=" + c.processed()));
            connections.add(c);
            return c;
        });
        LineClient client = net.connect(server);

        client.send("a\nb\n");
        assertThat(client.readLine()).isEqualTo("a");
        assertThat(client.readLine()).isEqualTo("b");
        client.send("c\n");
        assertThat(client.readLine()).isEqualTo("c");

        Connection connection = next(connections, "connection");
        assertThat(net.onLoop(connection::processed)).isEqualTo(3);
        assertThat(net.onLoop(connection::isBusy)).isFalse();
        // The connection lets go of a consumer (and counts it) before post_request is heard, so a
        // listener of either event may start the next exchange at once.
        assertThat(events)
                .containsExactly(
                        "consumer pre 1",
                        "connection pre 1",
                        "connection post 1 processed=1",
                        "consumer post 1 a",
                        "consumer pre 2",
                        "connection pre 2",
                        "connection post 2 processed=2",
                        "consumer post 2 b",
                        "consumer pre 3",
                        "connection pre 3",
                        "connection post 3 processed=3",
                        "consumer post 3 c");
    }

    @Test
    void upgradeSwitchesTheConsumerKindAfterTheCurrentExchange() throws Exception {
        Server server = listenLines();
        LineClient upgraded = net.connect(server);
        LineClient plain = net.connect(server);

        upgraded.send("before\nupgrade\nafter\nagain\n");

        assertThat(upgraded.readLine()).isEqualTo("before");
        assertThat(upgraded.readLine()).as("the upgrading exchange itself").isEqualTo("upgrade");
        assertThat(upgraded.readLine()).isEqualTo("AFTER");
        assertThat(upgraded.readLine()).isEqualTo("AGAIN");
        plain.send("other\n");
        assertThat(plain.readLine()).as("other connections keep their factory").isEqualTo("other");
        assertThat(consumers).as("upgraded exchanges use the new factory").hasSize(3);
    }

    @Test
    void upgradeWithoutExchangeInProgressAppliesToTheNextExchange() throws Exception {
        Server server = net.listen(() -> {
            Connection c = new Connection(LineConsumer::new);
            c.upgrade(LineConsumer::upper);
            return c;
        });
        LineClient client = net.connect(server);

        client.send("shout\n");

        assertThat(client.readLine()).isEqualTo("SHOUT");
    }

    @Test
    void consumerLeavingBytesUnconsumedClosesOnlyItsConnection() throws Exception {
        Server server = listenLines();
        LineClient good = net.connect(server);
        assertThat(ask(good, "hello")).isEqualTo("hello");
        next(connections, "good connection");
        LineClient bad = net.connect(server);

        bad.send("HALT\nthese bytes are never consumed\n");

        assertThat(bad.read()).isEqualTo(-1);
        Connection badConnection = next(connections, "bad connection");
        Object cause = await(badConnection.connectionLost());
        assertThat(cause).isInstanceOf(IllegalStateException.class).asString().contains("unconsumed");
        LineConsumer halted = consumers.stream()
                .filter(c -> c.connection() == badConnection)
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> await(halted.postRequest())).hasCause((Throwable) cause);
        assertThat(ask(good, "still served")).isEqualTo("still served");
        assertThat(ask(net.connect(server), "new connection")).isEqualTo("new connection");
    }

    @Test
    void consumerThatClosesTheConnectionMayLeaveBytesAndItsResponseIsFlushed() throws Exception {
        Server server = listenLines();
        LineClient client = net.connect(server);
        // Larger than the loopback socket buffers, so the transport still buffers it when the consumer closes.
        int size = 24 * 1024 * 1024;

        client.send("BYE " + size + "\nbytes after the goodbye\n");

        assertThat(client.drain()).isEqualTo(size);
        Connection connection = next(connections, "connection");
        assertThat(await(connection.connectionLost()))
                .as("a clean close, not an error")
                .isNull();
    }

    @Test
    void connectionLostDuringAnExchangeFailsThatConsumersPostRequest() throws Exception {
        Server server = listenLines();
        LineClient client = net.connect(server);

        client.send("no newline yet");
        LineConsumer consumer = next(consumers, "consumer");
        await(consumer.preRequest());
        client.close();

        assertThatThrownBy(() -> await(consumer.postRequest()))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(EOFException.class);
        Connection connection = next(connections, "connection");
        assertThat(await(connection.connectionLost())).isNull();
        assertThat(net.onLoop(connection::processed)).isZero();
        assertThat(net.onLoop(connection::isBusy)).isFalse();
    }

    private static String ask(LineClient client, String line) throws Exception {
        client.send(line + "\n");
        return client.readLine();
    }
}
