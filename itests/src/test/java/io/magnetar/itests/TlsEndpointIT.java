package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.launcher.Launcher;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Echo over TLS in a real Felix, configured only by an endpoint file; the key pair is made now. */
class TlsEndpointIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    private Path keyStore() throws Exception {
        return keyStore(tmp.resolve("server.p12"), PASSWORD);
    }

    /** A client TLS context that trusts the certificate of the PKCS#12 {@code store}. */
    static SSLContext trusting(Path store, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** An endpoint file serving echo over TLS on a free loopback port with the key of {@code store}, plus {@code extra} lines. */
    static String echoEndpoint(Path store, String password, String... extra) {
        StringBuilder file = new StringBuilder("transport = tls\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n")
                .append("tls.keyStore = ")
                .append(store)
                .append("\ntls.keyStorePassword = ")
                .append(password)
                .append('\n');
        for (String line : extra) {
            file.append(line).append('\n');
        }
        return file.toString();
    }

    /** A PKCS#12 key store with a fresh EC P-256 key for localhost and 127.0.0.1, made by keytool. */
    static Path keyStore(Path store, String password) throws Exception {
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        password,
                        "-keypass",
                        password)
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        return store;
    }

    @Test
    void servesEchoOverTlsFromAnEndpointConfiguration() throws Exception {
        Path store = keyStore();
        Map<String, String> features = Map.of(
                Launcher.FEATURES, "magnetar-core, magnetar-tcp, magnetar-tls, magnetar-echo, magnetar-assembly");
        try (Magnetar m = Magnetar.boot(tmp, features)) {
            m.writeEtc("io.magnetar.endpoint-secure.cfg", echoEndpoint(store, PASSWORD));
            int port = m.awaitServing("secure");

            SSLContext context = trusting(store, PASSWORD);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                byte[] message = "hello over tls\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(message);
                byte[] back = new byte[message.length];
                new DataInputStream(socket.getInputStream()).readFully(back);
                assertThat(back).isEqualTo(message);
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            await("the request counted", () -> {
                try {
                    return m.shell("info", "secure").contains("requests_processed: 1");
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(m.shell("info", "secure")).doesNotContain(PASSWORD);
        }
    }

    /** The optional feature installs Conscrypt, and an endpoint naming it gets BoringSSL's engines. */
    @Test
    void servesEchoOnConscryptEnginesWithTheOptionalFeature() throws Exception {
        Path store = keyStore();
        Map<String, String> features = Map.of(
                Launcher.FEATURES,
                "magnetar-core, magnetar-tcp, magnetar-tls, magnetar-tls-conscrypt, magnetar-echo, magnetar-assembly");
        try (Magnetar m = Magnetar.boot(tmp, features)) {
            assertThat(m.launcher().problems()).isEmpty();
            await("Conscrypt installed", () -> java.security.Security.getProvider("Conscrypt") != null);
            m.writeEtc("io.magnetar.endpoint-boring.cfg", echoEndpoint(store, PASSWORD, "tls.provider = Conscrypt"));
            int port = m.awaitServing("boring");
            SSLContext context = trusting(store, PASSWORD);
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                    socket.setEnabledProtocols(new String[] {protocol});
                    socket.setSoTimeout(10_000);
                    byte[] message = ("over boringssl " + protocol + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    socket.getOutputStream().write(message);
                    byte[] back = new byte[message.length];
                    new DataInputStream(socket.getInputStream()).readFully(back);
                    assertThat(back).isEqualTo(message);
                    assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                }
            }
        }
        assertThat(java.security.Security.getProvider("Conscrypt"))
                .as("removed when its bundle stops")
                .isNull();
    }
}
