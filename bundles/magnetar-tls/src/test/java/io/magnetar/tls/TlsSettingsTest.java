package io.magnetar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the tls.* properties: defaults, and errors that name the property and the problem. */
class TlsSettingsTest {

    private final TestPki pki = TestPki.get();

    private Map<String, Object> server(Object... more) {
        Map<String, Object> p = new HashMap<>(pki.serverProperties(pki.serverKeys));
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void hasSafeDefaults() {
        TlsSettings s = TlsSettings.from(server());

        assertThat(s.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.clientAuth()).isEqualTo(TlsSettings.ClientAuth.NONE);
        assertThat(s.verifyHostname()).isTrue();
        assertThat(s.alpn()).isEmpty();
        assertThat(s.hasKeyMaterial()).isTrue();
    }

    @Test
    void readsListsAsCommaTextOrArraysAndSecondsAsFractions() {
        TlsSettings s = TlsSettings.from(server(
                TlsSettings.ALPN,
                new String[] {"h2", "http/1.1"},
                TlsSettings.PROTOCOLS,
                " TLSv1.2 ",
                TlsSettings.HANDSHAKE_TIMEOUT,
                "0.25",
                TlsSettings.CLIENT_AUTH,
                "WANT"));

        assertThat(s.alpn()).containsExactly("h2", "http/1.1");
        assertThat(s.protocols()).containsExactly("TLSv1.2");
        assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.clientAuth()).isEqualTo(TlsSettings.ClientAuth.WANT);
        SSLEngine engine = s.newServerEngine();
        assertThat(engine.getWantClientAuth()).isTrue();
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.2");
    }

    @Test
    void clientEnginesSendSniAndCheckTheHostName() {
        SSLEngine engine = TlsSettings.from(pki.clientProperties())
                .newClientEngine(java.net.InetSocketAddress.createUnresolved("localhost", 443));

        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm())
                .isEqualTo("HTTPS");
        assertThat(engine.getSSLParameters().getServerNames()).hasSize(1);
        assertThat(engine.getPeerHost()).isEqualTo("localhost");
    }

    @Test
    void rejectsUnknownTlsPropertiesAsTypos() {
        assertThatThrownBy(() -> TlsSettings.from(server("tls.keystore", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown TLS properties [tls.keystore]");
    }

    @Test
    void namesAMissingKeyStoreFile() {
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.KEY_STORE, "/no/such/keys.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.keyStore: no such file /no/such/keys.p12");
    }

    @Test
    void namesAWrongKeyStorePassword() {
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.KEY_STORE_PASSWORD, "wrong")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.keyStore: cannot read")
                .hasMessageContaining("wrong password");
    }

    @Test
    void namesAWrongKeyPassword() {
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.KEY_PASSWORD, "wrong")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not unlock the private key");
    }

    @Test
    void saysWhenATrustStoreLooksEmptyForWantOfItsPassword() {
        Map<String, Object> p = new HashMap<>(Map.of(TlsSettings.TRUST_STORE, pki.trustStore.toString()));

        assertThatThrownBy(() -> TlsSettings.from(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no certificates (wrong or missing tls.trustStorePassword?)");
    }

    @Test
    void rejectsAKeyStoreWithoutPrivateKey() {
        assertThatThrownBy(() -> TlsSettings.from(Map.of(
                        TlsSettings.KEY_STORE,
                        pki.trustStore.toString(),
                        TlsSettings.KEY_STORE_PASSWORD,
                        TestPki.PASSWORD)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key entry");
    }

    @Test
    void rejectsUnsupportedProtocolsAndCipherSuites() {
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.PROTOCOLS, "TLSv1.3,TLSv9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.protocols: 'TLSv9' is not supported");
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.CIPHER_SUITES, "TLS_NO_SUCH_SUITE")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.cipherSuites: 'TLS_NO_SUCH_SUITE'");
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.CLIENT_AUTH, "maybe")))
                .hasMessageContaining("tls.clientAuth must be one of none|want|need");
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.HANDSHAKE_TIMEOUT, "-1")))
                .hasMessageContaining("tls.handshakeTimeout must be positive");
        assertThatThrownBy(() -> TlsSettings.from(server(TlsSettings.VERIFY_HOSTNAME, "yes")))
                .hasMessageContaining("tls.verifyHostname must be true or false");
    }

    @Test
    void rejectsHalfOfAPemPairAndAMismatchedPair() {
        assertThatThrownBy(() -> TlsSettings.from(Map.of(TlsSettings.CERTIFICATE, pki.serverCertPem.toString())))
                .hasMessageContaining("tls.certificate and tls.privateKey go together");
        assertThatThrownBy(() -> TlsSettings.from(Map.of(
                        TlsSettings.CERTIFICATE,
                        pki.serverCertPem.toString(),
                        TlsSettings.PRIVATE_KEY,
                        pki.clientKeyPem.toString())))
                .hasMessageContaining("is not the key of the first certificate");
    }

    @Test
    void explainsPemKeysItCannotRead(@TempDir Path dir) throws Exception {
        Path pkcs1 = Files.writeString(
                dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TlsSettings.from(Map.of(
                        TlsSettings.CERTIFICATE,
                        pki.serverCertPem.toString(),
                        TlsSettings.PRIVATE_KEY,
                        pkcs1.toString())))
                .hasMessageContaining("tls.privateKey")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aServerEngineNeedsKeyMaterial() {
        TlsSettings clientOnly = TlsSettings.from(pki.clientProperties());

        assertThat(clientOnly.hasKeyMaterial()).isFalse();
        assertThatThrownBy(clientOnly::newServerEngine)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tls.keyStore or tls.certificate + tls.privateKey");
    }

    @Test
    void ignoresPropertiesOfOtherLayers() {
        Map<String, Object> p = server("maxConnections", 5, "keepAlive", List.of(1));

        assertThat(TlsSettings.from(p).hasKeyMaterial()).isTrue();
    }
}
