package io.magnetar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.producers.TcpServer;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tls.provider}: the engines come from the JSSE provider named, or the settings are refused. */
@Timeout(60)
class TlsProviderTest {

    private final TestPki pki = TestPki.get();

    private Map<String, Object> server(String provider) {
        Map<String, Object> p = new HashMap<>(pki.serverProperties(pki.serverKeys));
        p.put(TlsSettings.PROVIDER, provider);
        return p;
    }

    @Test
    void theJdkProviderByName() {
        assertThat(TlsSettings.from(server("SunJSSE")).provider()).isEqualTo("SunJSSE");
        assertThat(TlsSettings.from(pki.serverProperties(pki.serverKeys)).provider())
                .as("the default")
                .isEqualTo("SunJSSE");
    }

    @Test
    void aProviderNotInstalledIsRefusedNamingTheInstalledOnesAndTheFeature() {
        assertThatThrownBy(() -> TlsSettings.from(server("Conscrypt-not-here")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.provider: 'Conscrypt-not-here' is not installed")
                .hasMessageContaining("SunJSSE");
        if (Security.getProvider("Conscrypt") == null) {
            assertThatThrownBy(() -> TlsSettings.from(server("Conscrypt")))
                    .hasMessageContaining("the magnetar-tls-conscrypt feature installs Conscrypt");
        }
    }

    @Test
    void conscryptEnginesServeEchoToAJdkClient() throws Exception {
        boolean added = Security.getProvider("Conscrypt") == null;
        if (added) {
            Security.addProvider(Conscrypt.newProvider());
        }
        try (Fixture fixture = new Fixture()) {
            TlsSettings settings = TlsSettings.from(server("Conscrypt"));
            assertThat(settings.provider()).isEqualTo("Conscrypt");
            assertThat(settings.newServerEngine().getClass().getName()).startsWith("org.conscrypt.");
            TcpServer echo = fixture.echoServer(server("Conscrypt"));
            Map<String, Object> onlyTls13Suites = server("Conscrypt");
            onlyTls13Suites.put(TlsSettings.CIPHER_SUITES, "TLS_AES_128_GCM_SHA256");
            TcpServer tls13 = fixture.echoServer(onlyTls13Suites);
            try (SSLSocket client =
                    Support.jdkClient(tls13.address(), Support.jdkContext(fixture.pki.trustStore, null), "TLSv1.3")) {
                byte[] message = "only TLS 1.3 suites named\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                client.getOutputStream().write(message);
                assertThat(client.getInputStream().readNBytes(message.length))
                        .as("Conscrypt given only TLS 1.3 suite names (google/conscrypt#1012)")
                        .isEqualTo(message);
            }
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                try (SSLSocket client =
                        Support.jdkClient(echo.address(), Support.jdkContext(fixture.pki.trustStore, null), protocol)) {
                    byte[] message = ("over conscrypt " + protocol + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    client.getOutputStream().write(message);
                    assertThat(client.getInputStream().readNBytes(message.length))
                            .isEqualTo(message);
                    assertThat(client.getSession().getProtocol()).isEqualTo(protocol);
                }
            }
        } finally {
            if (added) {
                Security.removeProvider("Conscrypt");
            }
        }
    }
}
