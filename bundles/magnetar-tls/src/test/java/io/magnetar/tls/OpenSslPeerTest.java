package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.producers.TcpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Magnetar TLS against a TLS implementation nobody here wrote: {@code openssl s_client} against a
 * Magnetar echo endpoint, and a Magnetar client against {@code openssl s_server}. Skipped when openssl
 * is missing, unless {@code MAGNETAR_REQUIRE_PEERS=1} (set by {@code .ci/run}), which makes it a failure.
 */
@Timeout(60)
class OpenSslPeerTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private Fixture fixture;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void requireOpenssl() {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        assumeTrue(
                Files.isExecutable(OPENSSL) || required,
                "openssl is not installed (.ci/run installs it and sets MAGNETAR_REQUIRE_PEERS=1)");
        fixture = new Fixture();
    }

    @AfterEach
    void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        processes.add(p);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslClientGetsItsMessageEchoedOverMagnetarTls(String version) throws Exception {
        TcpServer server = fixture.echoServer();
        TestPki pki = fixture.pki;
        Process client = start(
                OPENSSL.toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + server.address().getPort(),
                version,
                "-servername",
                "localhost",
                "-CAfile",
                pki.caPem.toString(),
                "-verify_return_error",
                "-verify_hostname",
                "localhost",
                "-quiet");
        CompletableFuture<String> stderr = readAllAsync(client, true);

        // QUIT makes the echo server close after its echo: s_client ends on the close_notify.
        OutputStream stdin = client.getOutputStream();
        stdin.write("hello\r\n\r\nQUIT\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        String echoed = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

        assertThat(client.waitFor(Support.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        assertThat(echoed).as("stderr: %s", stderr.getNow("")).isEqualTo("hello\r\n\r\nQUIT\r\n\r\n");
        // OpenSSL 3 reports a close without close_notify as "unexpected eof while reading".
        assertThat(await(stderr)).doesNotContain("unexpected eof").doesNotContainIgnoringCase("error");
    }

    /**
     * The server's default suites are Mozilla's "intermediate" profile: a TLS 1.2 client offering only CBC
     * or static-RSA suites is refused, ECDHE with AEAD is served, and the server's order wins.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384, refused",
        "AES256-GCM-SHA384:AES128-SHA:AES128-GCM-SHA256, refused",
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256, AES128-GCM"
    })
    void tls12DefaultsAreEcdheWithAeadOnlyInTheServersOrder(String offered, String expected) throws Exception {
        TcpServer server = fixture.echoServer();
        Process client = start(
                OPENSSL.toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + server.address().getPort(),
                "-tls1_2",
                "-cipher",
                offered,
                "-brief",
                "-nocommands");
        CompletableFuture<String> stderr = readAllAsync(client, true);
        OutputStream stdin = client.getOutputStream();
        stdin.write("QUIT\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        String echoed = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(client.waitFor(Support.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        String err = await(stderr);
        if (expected.equals("refused")) {
            assertThat(client.exitValue()).as(err).isNotZero();
            assertThat(echoed).isEmpty();
            assertThat(err).containsIgnoringCase("handshake failure");
        } else {
            assertThat(echoed).as(err).isEqualTo("QUIT\r\n\r\n");
            assertThat(err).containsPattern("Ciphersuite: ECDHE-(ECDSA|RSA)-" + expected);
        }
    }

    @Test
    void magnetarClientTalksToOpensslServer() throws Exception {
        TestPki pki = fixture.pki;
        int port = freePort();
        // -rev answers each line reversed; "CLOSE" makes it close the connection with close_notify.
        Process server = start(
                OPENSSL.toString(),
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-naccept",
                "1",
                "-cert",
                pki.serverCertPem.toString(),
                "-key",
                pki.serverKeyPem.toString(),
                "-alpn",
                "magnetar/1",
                "-rev");
        awaitLine(server, "ACCEPT");
        RecordingProtocol client = RecordingProtocol.collector();
        CompletableFuture<byte[]> reply = client.expect("olleh\n".length());

        StreamTransport t = await(fixture.tls.connect(
                new InetSocketAddress("127.0.0.1", port),
                fixture.clientEndpoint(Map.of(TlsSettings.ALPN, "magnetar/1")),
                client));
        t.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(new String(await(reply), StandardCharsets.US_ASCII)).isEqualTo("olleh\n");
        assertThat(((SSLSession) t.extraInfo(Transport.SSL_SESSION)).getProtocol())
                .isEqualTo("TLSv1.3");
        assertThat(t.extraInfo(Transport.ALPN_PROTOCOL)).isEqualTo("magnetar/1");

        t.write(ByteBuffer.wrap("CLOSE\n".getBytes(StandardCharsets.US_ASCII)));
        await(client.eof);
        assertThat(await(client.lost)).isNull();
        assertThat(client.events).containsExactly("made", "data", "eof", "lost");
        assertThat(server.waitFor(Support.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** Reads {@code p}'s stdout until a line equals {@code line}, failing after the timeout. */
    private static void awaitLine(Process p, String line) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.strip().equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(await(seen)).as("openssl printed " + line).isTrue();
        CompletableFuture.runAsync(() -> drain(out)); // keep reading so the pipe never fills
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discarded: only the readiness line matters
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static CompletableFuture<String> readAllAsync(Process p, boolean stderr) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(
                        (stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return e.toString();
            }
        });
    }
}
