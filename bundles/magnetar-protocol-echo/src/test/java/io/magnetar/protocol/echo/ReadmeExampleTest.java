package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.producers.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the README's Java example compiling, identical to the README, and echoing for a real client. */
class ReadmeExampleTest {

    private static final Path SOURCE = Path.of("src/test/java/io/magnetar/protocol/echo/EchoServerExample.java");
    private static final Path README = Path.of("../../README.md");

    private static List<String> snippet() throws IOException {
        List<String> lines = Files.readAllLines(SOURCE);
        int from = indexOf(lines, "// README:start") + 1;
        int to = indexOf(lines, "// README:end");
        return lines.subList(from, to).stream().map(String::strip).collect(Collectors.toList());
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError(marker + " missing in " + SOURCE);
    }

    @Test
    void readmeShowsTheExampleVerbatim() throws IOException {
        List<String> readme =
                Files.readAllLines(README).stream().map(String::strip).collect(Collectors.toList());
        assertThat(String.join("\n", readme)).contains(String.join("\n", snippet()));
    }

    @Test
    void socatGetsItsMessageEchoedByTheExampleServer() throws Exception {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        boolean present = Files.isExecutable(Path.of("/usr/bin/socat"));
        assumeTrue(
                present || required, "socat is not installed (.ci/run installs it and sets MAGNETAR_REQUIRE_PEERS=1)");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        TcpServer server;
        try {
            server = EchoServerExample.serve(port);
        } finally {
            System.setOut(stdout);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("echo serving on /127.0.0.1:" + port);
        try {
            assertThat(echoThroughSocat(port)).isEqualTo("hello from socat\r\n\r\nQUIT\r\n\r\n");
        } finally {
            server.close().get(10, TimeUnit.SECONDS);
        }
    }

    private static String echoThroughSocat(int port) throws Exception {
        Process socat = new ProcessBuilder("socat", "-t", "5", "-", "TCP:127.0.0.1:" + port)
                .redirectErrorStream(true)
                .start();
        socat.getOutputStream().write("hello from socat\r\n\r\nQUIT\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socat.getOutputStream().close();
        assertThat(socat.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(socat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
}
