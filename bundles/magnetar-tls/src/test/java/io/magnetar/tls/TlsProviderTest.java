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

    /** Conscrypt as a JSSE provider for one test; removed after it unless it was installed already. */
    private static AutoCloseable conscrypt() {
        if (Security.getProvider("Conscrypt") != null) {
            return () -> {};
        }
        Security.addProvider(Conscrypt.newProvider());
        return () -> Security.removeProvider("Conscrypt");
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
        try (AutoCloseable provider = conscrypt();
                Fixture fixture = new Fixture()) {
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
        }
    }

    /**
     * A megabyte in one burst, the first write after the handshake included: Conscrypt keeps the plaintext of a
     * record it could not deliver (an overflow that consumed input) and puts its TLS 1.3 tickets before the first
     * record it wraps, stopping at one packet. Both left bytes inside the engine until the next input or write:
     * the echo stalled.
     */
    @Test
    void conscryptEchoesABurstWholeFromItsFirstWriteOn() throws Exception {
        try (AutoCloseable provider = conscrypt();
                Fixture fixture = new Fixture()) {
            TcpServer echo = fixture.echoServer(server("Conscrypt"));
            byte[] message = new byte[16 * 1024];
            java.util.Arrays.fill(message, (byte) 'x');
            message[message.length - 4] = '\r';
            message[message.length - 3] = '\n';
            message[message.length - 2] = '\r';
            message[message.length - 1] = '\n';
            int count = 64;
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                try (SSLSocket client =
                        Support.jdkClient(echo.address(), Support.jdkContext(fixture.pki.trustStore, null), protocol)) {
                    client.startHandshake();
                    java.util.concurrent.CompletableFuture<Void> writes =
                            java.util.concurrent.CompletableFuture.runAsync(() -> {
                                try {
                                    java.io.OutputStream out = client.getOutputStream();
                                    for (int i = 0; i < count; i++) {
                                        out.write(message);
                                    }
                                    out.flush();
                                } catch (java.io.IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            });
                    byte[] back = client.getInputStream().readNBytes(message.length * count);
                    writes.get();
                    assertThat(back.length).as(protocol).isEqualTo(message.length * count);
                    for (int i = 0; i < count; i++) {
                        assertThat(java.util.Arrays.copyOfRange(back, i * message.length, (i + 1) * message.length))
                                .isEqualTo(message);
                    }
                }
            }
        }
    }

    /**
     * Conscrypt opens a pipe pair per engine and closes it when the native SSL object is freed: without closing
     * both sides of each finished connection's engine, that waited for a finalizer and a server under load ran
     * out of descriptors (2 per connection; a resumed-handshake run of the bench lost its server after ~10,000 connections).
     */
    @Test
    void finishedConscryptConnectionsGiveTheirDescriptorsBack() throws Exception {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(os instanceof com.sun.management.UnixOperatingSystemMXBean);
        com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
        try (AutoCloseable provider = conscrypt();
                Fixture fixture = new Fixture()) {
            TcpServer echo = fixture.echoServer(server("Conscrypt"));
            javax.net.ssl.SSLContext context = Support.jdkContext(fixture.pki.trustStore, null);
            byte[] message = "hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            int connections = 100;
            long before = unix.getOpenFileDescriptorCount();
            for (int i = 0; i < connections; i++) {
                try (SSLSocket client = Support.jdkClient(echo.address(), context, "TLSv1.3")) {
                    client.getOutputStream().write(message);
                    assertThat(client.getInputStream().readNBytes(message.length))
                            .isEqualTo(message);
                }
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            long open = unix.getOpenFileDescriptorCount();
            while (open > before + connections / 4 && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling, with a deadline: the server closes its side on its loop
                open = unix.getOpenFileDescriptorCount();
            }
            assertThat(open - before)
                    .as("descriptors still open after %d finished connections", connections)
                    .isLessThan(connections / 4);
        }
    }
}
