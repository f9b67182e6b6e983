package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoClientConsumer;
import io.magnetar.protocols.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Handshakes that must fail: each closes only its own connection, with a clear error, and the server
 * keeps serving; protocols never hear of connections whose handshake failed.
 */
@Timeout(60)
class TlsHandshakeFailureTest {

    private Fixture fixture;
    private TestPki pki;

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
        pki = fixture.pki;
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private TcpServer echoWith(Map<String, Object> extra) throws Exception {
        Map<String, Object> p = pki.serverProperties(pki.serverKeys);
        p.putAll(extra);
        return fixture.echoServer(p);
    }

    /** A good client still gets its echo. */
    private void assertStillServes(InetSocketAddress address) throws Exception {
        try (SSLSocket client = Support.jdkClient(address, Support.jdkContext(pki.trustStore, null))) {
            client.getOutputStream().write("still there?\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(16), StandardCharsets.US_ASCII))
                    .isEqualTo("still there?\r\n\r\n");
        }
    }

    @Test
    void closesAClientThatSendsNothingAtTheHandshakeTimeout() throws Exception {
        TcpServer server = echoWith(Map.of(TlsSettings.HANDSHAKE_TIMEOUT, "0.3"));
        try (Socket silent = Support.plainClient(server.address())) {
            Support.Ending end = Support.readToEnd(silent);

            assertThat(end.bytes()).isEmpty();
        }
        assertThat(server.sessions())
                .as("no protocol for a connection without handshake")
                .isZero();
        assertStillServes(server.address());
    }

    @Test
    void closesAClientThatStallsMidHandshakeAtTheTimeout() throws Exception {
        TcpServer server = echoWith(Map.of(TlsSettings.HANDSHAKE_TIMEOUT, "0.3"));
        byte[] hello = clientHello();
        try (Socket stalled = Support.plainClient(server.address())) {
            // Half a ClientHello, then nothing: the server waits for the rest until the timeout.
            stalled.getOutputStream().write(hello, 0, hello.length / 2);

            Support.Ending end = Support.readToEnd(stalled);

            assertThat(end.bytes()).isEmpty();
        }
        assertThat(server.sessions()).isZero();
        assertStillServes(server.address());
    }

    @Test
    void failsAClientConnectWhenTheServerNeverAnswersTheHandshake() throws Exception {
        // A plain TCP server that accepts and stays silent: the TLS client times out.
        Server silent = await(fixture.tcp.listen(Support.endpoint(Map.of()), RecordingProtocol::collector));
        Map<String, Object> timeout = Map.of(TlsSettings.HANDSHAKE_TIMEOUT, "0.3");

        Throwable error = catchThrowable(() -> await(fixture.tls.connect(
                silent.localAddress(), fixture.clientEndpoint(timeout), EchoClientConsumer.newConnection())));

        assertThat(error)
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("TLS handshake with")
                .hasMessageContaining("did not complete within 300 ms");
        await(silent.close());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plaintext HTTP", "random garbage"})
    void closesAConnectionThatDoesNotSpeakTlsAndKeepsServing(String kind) throws Exception {
        TcpServer server = echoWith(Map.of());
        byte[] junk;
        if (kind.equals("plaintext HTTP")) {
            junk = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        } else {
            junk = new byte[1000];
            new Random(7).nextBytes(junk);
            junk[0] = (byte) 0xfe; // no TLS content type starts like this
        }
        try (Socket client = Support.plainClient(server.address())) {
            client.getOutputStream().write(junk);

            Support.Ending end = Support.readToEnd(client);

            // The server answers with a fatal alert record (type 21), then closes.
            assertThat(end.bytes()).isNotEmpty();
            assertThat(end.bytes()[0]).isEqualTo((byte) 21);
        }
        assertThat(server.sessions()).isZero();
        assertStillServes(server.address());
    }

    @Test
    void rejectsAnUntrustedServerCertificateWithAClearError() throws Exception {
        Server server = fixture.listen(pki.serverProperties(pki.untrustedKeys), RecordingProtocol::echo);

        Throwable error = catchThrowable(() -> await(fixture.tls.connect(
                server.localAddress(), fixture.clientEndpoint(Map.of()), EchoClientConsumer.newConnection())));

        assertThat(error)
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining(
                        "TLS handshake with /127.0.0.1:" + server.localAddress().getPort() + " failed")
                .hasMessageContaining("unable to find valid certification path");
    }

    @Test
    void rejectsAnExpiredServerCertificate() throws Exception {
        Server server = fixture.listen(pki.serverProperties(pki.expiredKeys), RecordingProtocol::echo);

        Throwable error = catchThrowable(() -> await(fixture.tls.connect(
                server.localAddress(), fixture.clientEndpoint(Map.of()), EchoClientConsumer.newConnection())));

        assertThat(error).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("validity check failed");
    }

    @Test
    void rejectsAServerCertificateForAnotherName() throws Exception {
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), RecordingProtocol::echo);

        Throwable error = catchThrowable(() -> await(fixture.tls.connect(
                server.localAddress(),
                fixture.clientEndpoint(Map.of(TlsSettings.SERVER_NAME, "wrong.test")),
                EchoClientConsumer.newConnection())));

        assertThat(error).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("wrong.test");
    }

    @Test
    void acceptsAnyServerNameWhenHostnameVerificationIsOff() throws Exception {
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), RecordingProtocol::echo);
        Map<String, Object> unchecked =
                Map.of(TlsSettings.SERVER_NAME, "wrong.test", TlsSettings.VERIFY_HOSTNAME, "false");

        StreamTransport t = await(fixture.tls.connect(
                server.localAddress(), fixture.clientEndpoint(unchecked), new RecordingProtocol(false, false)));

        assertThat(t.isClosing()).isFalse();
        t.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredClientAuthRejectsAClientWithoutCertificate(String protocol) throws Exception {
        AtomicInteger protocols = new AtomicInteger();
        Map<String, Object> p = pki.serverProperties(pki.serverKeys);
        p.putAll(Map.of(
                TlsSettings.CLIENT_AUTH,
                "need",
                TlsSettings.TRUST_STORE,
                pki.trustStore.toString(),
                TlsSettings.TRUST_STORE_PASSWORD,
                TestPki.PASSWORD));
        Server server = fixture.listen(p, () -> {
            protocols.incrementAndGet();
            return RecordingProtocol.echo();
        });
        SSLContext noCertificate = Support.jdkContext(pki.trustStore, null);

        try (SSLSocket client = Support.jdkClient(server.localAddress(), noCertificate, protocol)) {
            // TLS 1.3 clients finish before the server checks them: the refusal shows on the next read.
            Throwable error = catchThrowable(() -> {
                client.startHandshake();
                client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                client.getInputStream().read();
            });

            assertThat(error)
                    .isInstanceOf(SSLException.class)
                    .hasMessageMatching("(?s).*(certificate_required|bad_certificate|handshake_failure).*");
        }
        assertThat(protocols).hasValue(0);
    }

    @Test
    void aConnectionWithoutHandshakeNeverReachesTheProtocolFactory() throws Exception {
        AtomicInteger protocols = new AtomicInteger();
        CompletableFuture<RecordingProtocol> first = new CompletableFuture<>();
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> {
            protocols.incrementAndGet();
            RecordingProtocol p = RecordingProtocol.echo();
            first.complete(p);
            return p;
        });
        try (Socket client = Support.plainClient(server.localAddress())) {
            client.getOutputStream().write("not TLS at all".getBytes(StandardCharsets.US_ASCII));
            Support.readToEnd(client);
        }
        RecordingProtocol good = RecordingProtocol.collector();
        StreamTransport t = await(fixture.tls.connect(server.localAddress(), fixture.clientEndpoint(Map.of()), good));
        t.close();
        // The server makes its protocol when its side of the handshake is done, maybe after the client's.
        await(await(first).lost);

        assertThat(protocols).as("only the good client's protocol was made").hasValue(1);
    }

    /** The first flight of a real JDK client. */
    private byte[] clientHello() throws Exception {
        SSLEngine engine = Support.jdkContext(pki.trustStore, null).createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    @Test
    void aServerWithoutKeyMaterialFailsToListenWithAClearError() {
        assertThatThrownBy(() -> await(fixture.tls.listen(Support.endpoint(Map.of()), RecordingProtocol::echo)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a TLS server needs tls.keyStore or tls.certificate + tls.privateKey");
    }

    @Test
    void aClientConnectToAClosedPortFailsWithConnectException() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Connection connection = EchoClientConsumer.newConnection();

        assertThatThrownBy(() -> await(fixture.tls.connect(
                        new InetSocketAddress("127.0.0.1", port), fixture.clientEndpoint(Map.of()), connection)))
                .isInstanceOf(IOException.class);
    }
}
