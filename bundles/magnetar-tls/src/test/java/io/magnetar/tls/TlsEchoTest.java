package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoClientConsumer;
import io.magnetar.protocols.Connection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The echo protocol, unchanged, served over TLS to JDK and Magnetar clients. */
@Timeout(60)
class TlsEchoTest {

    private static final byte[] SEPARATOR = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Fixture fixture;
    private TcpServer server;

    @BeforeEach
    void serveEcho() throws Exception {
        fixture = new Fixture();
        server = fixture.echoServer();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void echoesToAJdkSslSocket(String protocol) throws Exception {
        try (SSLSocket client =
                Support.jdkClient(server.address(), Support.jdkContext(fixture.pki.trustStore, null), protocol)) {
            client.getOutputStream().write("hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            byte[] echoed = client.getInputStream().readNBytes(9);

            assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("hello\r\n\r\n");
            assertThat(client.getSession().getProtocol()).isEqualTo(protocol);
        }
    }

    @Test
    void echoesEightMebibytesToAJdkSslSocket() throws Exception {
        byte[] message = message(8 * 1024 * 1024);
        try (SSLSocket client = Support.jdkClient(server.address(), Support.jdkContext(fixture.pki.trustStore, null))) {
            CompletableFuture<Void> written = Support.writeAsync(client, message);

            byte[] echoed = client.getInputStream().readNBytes(message.length);
            await(written);

            assertThat(echoed).hasSize(message.length);
            assertThat(Arrays.mismatch(echoed, message))
                    .as("first differing byte")
                    .isEqualTo(-1);
        }
    }

    @Test
    void echoesToAMagnetarTlsClient() throws Exception {
        Connection connection = EchoClientConsumer.newConnection();
        StreamTransport transport =
                await(fixture.tls.connect(server.address(), fixture.clientEndpoint(Map.of()), connection));

        Object echoed = await(connection.request("hello over TLS"));

        assertThat(new String((byte[]) echoed, StandardCharsets.UTF_8)).isEqualTo("hello over TLS");
        assertThat(transport).isInstanceOf(SocketStreamSslTransport.class);
        assertThat(((SSLSession) transport.extraInfo(Transport.SSL_SESSION)).getProtocol())
                .isEqualTo("TLSv1.3");
        assertThat(transport.extraInfo(Transport.PEERNAME)).isEqualTo(server.address());
        assertThat(transport.extraInfo(Transport.SOCKET)).isNotNull();
        transport.close();
        assertThat(await(connection.connectionLost())).isNull();
    }

    @Test
    void serves100ConcurrentTlsConnections() throws Exception {
        List<CompletableFuture<List<String>>> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int client = i;
            Connection connection = EchoClientConsumer.newConnection();
            clients.add(fixture.tls
                    .connect(server.address(), fixture.clientEndpoint(Map.of()), connection)
                    .thenCompose(t -> exchange(connection, client, 0, new ArrayList<>())));
        }

        for (int i = 0; i < clients.size(); i++) {
            assertThat(await(clients.get(i)))
                    .containsExactly(
                            "client " + i + " message 0", "client " + i + " message 1", "client " + i + " message 2");
        }
        Support.awaitTrue(() -> server.sessions() == 100, "100 sessions on the server");
    }

    /** Three requests one after another on {@code connection}; completes with the echoed texts. */
    private static CompletableFuture<List<String>> exchange(
            Connection connection, int client, int n, List<String> got) {
        if (n == 3) {
            connection.transport().close();
            return CompletableFuture.completedFuture(got);
        }
        return connection.request("client " + client + " message " + n).thenCompose(echoed -> {
            got.add(new String((byte[]) echoed, StandardCharsets.UTF_8));
            return exchange(connection, client, n + 1, got);
        });
    }

    @Test
    void closeSendsCloseNotifySoTheClientReadsACleanEof() throws Exception {
        try (SSLSocket client = Support.jdkClient(server.address(), Support.jdkContext(fixture.pki.trustStore, null))) {
            // QUIT makes the echo server close its transport after the echo.
            client.getOutputStream().write("bye\r\n\r\nQUIT\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            Support.Ending end = Support.readToEnd(client);

            assertThat(end.error())
                    .as("the stream ends with close_notify, not a reset")
                    .isNull();
            assertThat(new String(end.bytes(), StandardCharsets.US_ASCII)).isEqualTo("bye\r\n\r\nQUIT\r\n\r\n");
        }
    }

    /** {@code size} bytes without the separator in them, followed by the separator. */
    private static byte[] message(int size) {
        byte[] body = Support.payload(size);
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\r') {
                body[i] = 'r';
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(size + SEPARATOR.length);
        all.writeBytes(body);
        all.writeBytes(SEPARATOR);
        return all.toByteArray();
    }
}
