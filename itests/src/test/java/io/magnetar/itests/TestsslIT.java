package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh, the scanner an auditor runs, against a TLS endpoint configured with nothing but its key:
 * protocols, cipher categories and vulnerabilities. Fails on any line that says VULNERABLE or
 * "potentially", and on CBC or static-RSA suites being offered (the defaults are Mozilla's intermediate).
 * Measured before the defaults: CBC and static-RSA suites offered, LUCKY13 "potentially vulnerable", and
 * client-initiated renegotiation "VULNERABLE" (the refusal was a close_notify, not a fatal alert).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TestsslIT {

    private static final Path TESTSSL = Path.of("/usr/bin/testssl");

    @TempDir
    Path tmp;

    @Test
    void testsslFindsNothingTheDefaultsCouldAvoid() throws Exception {
        assumeTrue(
                Files.isExecutable(TESTSSL) || "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS")),
                "testssl.sh is not installed (.ci/run installs it)");
        Path store = TlsEndpointIT.keyStore(tmp.resolve("server.p12"), "changeit");
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-secure.cfg",
                    "transport = tls\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n" + "tls.keyStore = " + store
                            + "\ntls.keyStorePassword = changeit\n");
            int port = m.awaitServing("secure");
            Process p = new ProcessBuilder(List.of(
                            TESTSSL.toString(),
                            "--quiet",
                            "--color",
                            "0",
                            "--warnings",
                            "off",
                            "--ip",
                            "one",
                            "-p",
                            "-s",
                            "-U",
                            "127.0.0.1:" + port))
                    .redirectErrorStream(true)
                    .start();
            String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
            System.out.println("testssl.sh against a default TLS endpoint:\n" + report);
            assertThat(report).contains("Testing vulnerabilities").contains("Done");
            assertThat(report.lines().filter(l -> l.contains("VULNERABLE") || l.contains("potentially")))
                    .as("lines flagged by testssl.sh")
                    .isEmpty();
            assertThat(report)
                    .containsPattern("Obsolete CBC ciphers.*not offered")
                    .containsPattern("TLS 1\\s+not offered")
                    .containsPattern("TLS 1.3\\s+offered");
        }
    }
}
