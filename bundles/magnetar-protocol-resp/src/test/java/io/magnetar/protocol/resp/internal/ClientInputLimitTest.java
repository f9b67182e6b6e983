package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The total of buffered client input across connections: past it, the connection holding the most goes. */
class ClientInputLimitTest {

    private final InMemoryServer server = new InMemoryServer();

    @Test
    void theConnectionHoldingTheMostIsAnsweredErrAndClosedWhileTheGrowingOneGoesOn() {
        server.keyspace.maxClientInput(250_000);
        InMemoryServer.Client stalled = server.connect();
        InMemoryServer.Client grower = server.connect();
        // 200 kB into a 1 MB value, then nothing more: its arena holds 200 kB.
        assertThat(stalled.send("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1000000\r\n" + "x".repeat(200_000)))
                .isEmpty();
        assertThat(server.keyspace.inputBudget().held()).isPositive();

        // Split across reads, so that the grower's value is copied into its arena too.
        assertThat(grower.send("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$80000\r\n" + "y".repeat(40_000)))
                .isEmpty();
        assertThat(grower.send("y".repeat(40_000) + "\r\n"))
                .as("the smaller one is answered")
                .containsExactly("OK");
        server.loop.runTasks();

        List<Object> replies = stalled.replies();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).toString()).contains("client input of all connections over the limit of 250000");
        assertThat(stalled.connection.closeReason()).contains("closing the connection holding the most");
        assertThat(server.keyspace.inputBudget().evictions()).isEqualTo(1);
        stalled.transport.receiveEof();
        assertThat(RespServerCommandsTest.v(grower.call("GET", "b"))).asString().hasSize(80_000);
    }
}
