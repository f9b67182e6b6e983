package io.magnetar.protocols;

import static io.magnetar.protocols.Loopback.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Server;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A consumer that opts into {@link ProtocolConsumer#recycle()} serves later exchanges of its connection. */
class ConsumerReuseTest {

    private final Loopback net = new Loopback("consumer-reuse-test");
    private final List<LineConsumer> made = new CopyOnWriteArrayList<>();
    /** What connection-level post_request listeners saw, one entry per exchange. */
    private final List<Object> finished = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        net.close();
    }

    private Server listen(Supplier<LineConsumer> kind, Consumer<LineConsumer> onMade) throws Exception {
        return net.listen(() -> {
            Connection c = new Connection(() -> {
                LineConsumer consumer = kind.get();
                consumer.recyclable = true;
                onMade.accept(consumer);
                made.add(consumer);
                return consumer;
            });
            c.onPostRequest(finished::add);
            return c;
        });
    }

    private void awaitExchanges(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (finished.size() < n) {
            assertThat(System.nanoTime())
                    .as("%d exchanges within the timeout", n)
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void pipelinedAndLaterExchangesReuseOneRecyclableConsumer() throws Exception {
        LineClient client = net.connect(listen(LineConsumer::new, c -> {}));

        client.send("one\ntwo\nthree\n");
        assertThat(List.of(client.readLine(), client.readLine(), client.readLine()))
                .containsExactly("one", "two", "three");
        client.send("fo");
        client.send("ur\n");
        assertThat(client.readLine())
                .as("a line split across reads, after reuse")
                .isEqualTo("four");
        awaitExchanges(4);

        assertThat(made).as("consumers made").hasSize(1);
        assertThat(finished)
                .as("every exchange reported with the one consumer")
                .hasSize(4)
                .allMatch(c -> c == made.get(0));
    }

    @Test
    void aConsumerSomeoneWatchesIsNeverReused() throws Exception {
        LineClient client = net.connect(listen(LineConsumer::new, ProtocolConsumer::postRequest));

        client.send("one\ntwo\n");
        assertThat(List.of(client.readLine(), client.readLine())).containsExactly("one", "two");
        awaitExchanges(2);

        assertThat(made)
                .as("a consumer whose future was asked for keeps its result")
                .hasSize(2);
        assertThat(made.get(0).postRequest().getNow("pending")).isEqualTo("one");
    }

    @Test
    void anUpgradeIsNotUndoneByReuse() throws Exception {
        LineClient client = net.connect(listen(LineConsumer::new, c -> {}));

        client.send("before\nupgrade\nafter\nagain\n");

        assertThat(List.of(client.readLine(), client.readLine(), client.readLine(), client.readLine()))
                .containsExactly("before", "upgrade", "AFTER", "AGAIN");
        assertThat(made)
                .as("the first factory was asked once; its spare was dropped at the upgrade")
                .hasSize(1);
    }
}
