package io.magnetar.protocols;

import static io.magnetar.protocols.Loopback.TIMEOUT_SECONDS;
import static io.magnetar.protocols.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.api.StreamTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Connection#request} on a connection made with {@code TcpTransportProvider.connect}; the peer
 * is a plain {@link ServerSocket} the test drives line by line, so an exchange stays in progress
 * exactly as long as the test wants.
 */
class ConnectionClientTest {

    private final Loopback net = new Loopback("connection-client-test");
    private final Connection connection = new Connection(LineConsumer::new);
    private ServerSocket listener;
    private Socket peer;
    private BufferedReader peerIn;
    private OutputStream peerOut;

    @BeforeEach
    void connect() throws Exception {
        listener = net.closeLater(new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
        listener.setSoTimeout((int) (TIMEOUT_SECONDS * 1000));
        StreamTransport transport = await(net.tcp.connect(
                (java.net.InetSocketAddress) listener.getLocalSocketAddress(),
                Endpoint.builder().build(),
                connection));
        assertThat(connection.transport()).isSameAs(transport);
        peer = net.closeLater(listener.accept());
        peer.setSoTimeout((int) (TIMEOUT_SECONDS * 1000));
        peerIn = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        peerOut = peer.getOutputStream();
    }

    @AfterEach
    void tearDown() throws Exception {
        net.close();
    }

    private void peerAnswers(String line) throws IOException {
        peerOut.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        peerOut.flush();
    }

    @Test
    void requestFromAnotherThreadCompletesWithTheResult() throws Exception {
        assertThat(net.loop().inEventLoop()).isFalse();

        CompletableFuture<Object> result = connection.request("ping");

        assertThat(peerIn.readLine()).isEqualTo("ping");
        assertThat(result).isNotDone();
        peerAnswers("pong");
        assertThat(await(result)).isEqualTo("pong");
        assertThat(net.onLoop(connection::processed)).isEqualTo(1);
    }

    @Test
    void secondRequestWhileOneIsInProgressFailsAndTheFirstStillCompletes() throws Exception {
        CompletableFuture<Object> first = connection.request("one");
        assertThat(peerIn.readLine()).isEqualTo("one");

        CompletableFuture<Object> second = connection.request("two");

        assertThatThrownBy(() -> await(second))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(first).isNotDone();
        peerAnswers("1");
        assertThat(await(first)).isEqualTo("1");

        CompletableFuture<Object> third = connection.request("three");
        assertThat(peerIn.readLine()).as("the refused request wrote nothing").isEqualTo("three");
        peerAnswers("3");
        assertThat(await(third)).isEqualTo("3");
    }

    @Test
    void requestChainedOnThePreviousResultStartsTheNextExchange() throws Exception {
        // thenCompose runs on the loop thread, inside the first exchange's completion.
        CompletableFuture<Object> both =
                connection.request("one").thenCompose(first -> connection.request("two after " + first));

        assertThat(peerIn.readLine()).isEqualTo("one");
        peerAnswers("1");
        assertThat(peerIn.readLine()).isEqualTo("two after 1");
        peerAnswers("2");

        assertThat(await(both)).isEqualTo("2");
        assertThat(net.onLoop(connection::processed)).isEqualTo(2);
    }

    @Test
    void requestWhoseStartThrowsFailsWithTheErrorAndFreesTheConnection() throws Exception {
        CompletableFuture<Object> bad = connection.request(42); // LineConsumer writes only Strings

        assertThatThrownBy(() -> await(bad))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(net.onLoop(connection::isBusy)).isFalse();
        CompletableFuture<Object> good = connection.request("fine");
        assertThat(peerIn.readLine()).isEqualTo("fine");
        peerAnswers("ok");
        assertThat(await(good)).isEqualTo("ok");
    }

    @Test
    void peerClosingDuringARequestFailsItAndLaterRequestsFail() throws Exception {
        CompletableFuture<Object> pending = connection.request("never answered");
        assertThat(peerIn.readLine()).isEqualTo("never answered");

        peer.close();

        assertThatThrownBy(() -> await(pending))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(java.io.EOFException.class);
        assertThat(await(connection.connectionLost())).isNull();
        assertThatThrownBy(() -> await(connection.request("too late")))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void requestBeforeConnectionMadeFails() {
        Connection unconnected = new Connection(LineConsumer::new);

        assertThat(unconnected.request("x")).isCompletedExceptionally();
    }
}
