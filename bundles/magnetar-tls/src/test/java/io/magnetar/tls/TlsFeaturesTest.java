package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
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

/** ALPN, SNI, mutual authentication, PEM key material, renegotiation and key updates. */
@Timeout(60)
class TlsFeaturesTest {

    private Fixture fixture;
    private TestPki pki;
    /** The server-side protocols, in accept order. */
    private final List<RecordingProtocol> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
        pki = fixture.pki;
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private Server echoServer(Map<String, Object> properties) throws Exception {
        return fixture.listen(properties, () -> {
            RecordingProtocol p = RecordingProtocol.echo();
            accepted.add(p);
            return p;
        });
    }

    private Map<String, Object> serverProperties(Map<String, Object> extra) {
        Map<String, Object> p = pki.serverProperties(pki.serverKeys);
        p.putAll(extra);
        return p;
    }

    /** Connects a recording client, sends {@code text} and waits for its echo. */
    private RecordingProtocol roundTrip(Server server, Map<String, Object> clientExtra, String text) throws Exception {
        RecordingProtocol client = RecordingProtocol.collector();
        CompletableFuture<byte[]> echoed = client.expect(text.length());
        StreamTransport t =
                await(fixture.tls.connect(server.localAddress(), fixture.clientEndpoint(clientExtra), client));
        t.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        assertThat(new String(await(echoed), StandardCharsets.US_ASCII)).isEqualTo(text);
        return client;
    }

    @Test
    void negotiatesAlpnAndReportsItOnBothSides() throws Exception {
        Server server = echoServer(serverProperties(Map.of(TlsSettings.ALPN, "h2,http/1.1")));

        RecordingProtocol client = roundTrip(server, Map.of(TlsSettings.ALPN, "http/1.1"), "alpn");

        assertThat(client.transport.extraInfo(Transport.ALPN_PROTOCOL)).isEqualTo("http/1.1");
        assertThat(await(accepted.get(0).made).extraInfo(Transport.ALPN_PROTOCOL))
                .isEqualTo("http/1.1");
    }

    @Test
    void reportsNoAlpnWhenTheClientOfferedNone() throws Exception {
        Server server = echoServer(serverProperties(Map.of(TlsSettings.ALPN, "h2")));

        RecordingProtocol client = roundTrip(server, Map.of(), "no alpn");

        assertThat(client.transport.extraInfo(Transport.ALPN_PROTOCOL)).isNull();
        assertThat(await(accepted.get(0).made).extraInfo(Transport.ALPN_PROTOCOL))
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "peer.test"})
    void picksTheServerCertificateByTheSniName(String name) throws Exception {
        Server server = echoServer(pki.serverProperties(pki.sniKeys));

        // Host name verification is on: the handshake only succeeds with the certificate for this name.
        RecordingProtocol client = roundTrip(server, Map.of(TlsSettings.SERVER_NAME, name), "sni");

        @SuppressWarnings("unchecked")
        List<Certificate> chain = (List<Certificate>) client.transport.extraInfo(Transport.PEER_CERTIFICATES);
        assertThat(((X509Certificate) chain.get(0)).getSubjectX500Principal().getName())
                .isEqualTo("CN=" + name);
    }

    @Test
    void mutualAuthenticationShowsTheClientCertificateToTheServer() throws Exception {
        Server server = echoServer(serverProperties(Map.of(
                TlsSettings.CLIENT_AUTH,
                "need",
                TlsSettings.TRUST_STORE,
                pki.trustStore.toString(),
                TlsSettings.TRUST_STORE_PASSWORD,
                TestPki.PASSWORD)));
        Map<String, Object> withCertificate = Map.of(
                TlsSettings.KEY_STORE, pki.clientKeys.toString(), TlsSettings.KEY_STORE_PASSWORD, TestPki.PASSWORD);

        roundTrip(server, withCertificate, "mutual");

        StreamTransport serverSide = await(accepted.get(0).made);
        @SuppressWarnings("unchecked")
        List<Certificate> chain = (List<Certificate>) serverSide.extraInfo(Transport.PEER_CERTIFICATES);
        assertThat(((X509Certificate) chain.get(0)).getSubjectX500Principal().getName())
                .isEqualTo("CN=peer.test");
        assertThat(((SSLSession) serverSide.extraInfo(Transport.SSL_SESSION))
                        .getPeerPrincipal()
                        .getName())
                .isEqualTo("CN=peer.test");
    }

    @Test
    void wantedClientAuthAcceptsAClientWithoutCertificate() throws Exception {
        Server server = echoServer(serverProperties(Map.of(
                TlsSettings.CLIENT_AUTH,
                "want",
                TlsSettings.TRUST_STORE,
                pki.trustStore.toString(),
                TlsSettings.TRUST_STORE_PASSWORD,
                TestPki.PASSWORD)));

        roundTrip(server, Map.of(), "anonymous");

        assertThat(await(accepted.get(0).made).extraInfo(Transport.PEER_CERTIFICATES))
                .isNull();
    }

    @Test
    void servesAndTrustsPemFiles() throws Exception {
        Map<String, Object> pem = new HashMap<>();
        pem.put(TlsSettings.CERTIFICATE, pki.serverCertPem.toString());
        pem.put(TlsSettings.PRIVATE_KEY, pki.serverKeyPem.toString());
        Server server = echoServer(pem);
        Map<String, Object> client = new HashMap<>();
        client.put(TlsSettings.TRUST_STORE, null);
        client.put(TlsSettings.TRUST_CERTIFICATES, pki.caPem.toString());

        roundTrip(server, client, "pem");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void reportsTheNegotiatedProtocolVersion(String protocol) throws Exception {
        Server server = echoServer(serverProperties(Map.of()));

        RecordingProtocol client = roundTrip(server, Map.of(TlsSettings.PROTOCOLS, protocol), "version");

        assertThat(((SSLSession) client.transport.extraInfo(Transport.SSL_SESSION)).getProtocol())
                .isEqualTo(protocol);
        assertThat(((SSLSession) await(accepted.get(0).made).extraInfo(Transport.SSL_SESSION)).getProtocol())
                .isEqualTo(protocol);
    }

    @Test
    void refusesAClientInitiatedRenegotiationOnTls12() throws Exception {
        Server server = echoServer(serverProperties(Map.of()));
        try (SSLSocket client =
                Support.jdkClient(server.localAddress(), Support.jdkContext(pki.trustStore, null), "TLSv1.2")) {
            client.getOutputStream().write('x');
            assertThat(client.getInputStream().read()).isEqualTo('x');

            Throwable error = catchThrowable(() -> {
                client.startHandshake(); // a renegotiation on an established TLS 1.2 session
                client.getOutputStream().write('y');
                client.getInputStream().read();
            });

            assertThat(error).isNotNull();
        }
        assertThat(await(accepted.get(0).lost)).hasMessageMatching("(?s).*[Rr]enegotiation (refused|is not allowed).*");
    }

    @Test
    void acceptsAKeyUpdateOnTls13() throws Exception {
        Server server = echoServer(serverProperties(Map.of()));
        try (SSLSocket client =
                Support.jdkClient(server.localAddress(), Support.jdkContext(pki.trustStore, null), "TLSv1.3")) {
            client.getOutputStream().write('x');
            assertThat(client.getInputStream().read()).isEqualTo('x');

            client.startHandshake(); // on TLS 1.3 this sends a KeyUpdate
            client.getOutputStream().write('y');

            assertThat(client.getInputStream().read()).isEqualTo('y');
        }
    }
}
