package io.magnetar.protocol.http.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import io.magnetar.protocol.http.internal.StaticFiles;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HTTP server's parsers as a client drives them: request heads, Content-Length and chunked bodies,
 * pipelining, and static-file paths, fed in the chunks the fuzzer picks. Contract: every response is an
 * HTTP/1.1 status line with a status the server may send for client input (never 500, which means a
 * parser bug reached the safety net), and no file outside the static root is ever served.
 */
public class HttpServerFuzz {

    private static final Path ROOT;
    private static final String SECRET = "the secret outside the root";

    static {
        try {
            Path base = Files.createTempDirectory("magnetar-fuzz-static");
            ROOT = Files.createDirectories(base.resolve("root")).toRealPath();
            Files.writeString(ROOT.resolve("index.html"), "index");
            Files.createDirectories(ROOT.resolve("sub"));
            Files.writeString(ROOT.resolve("sub/a.txt"), "a");
            Files.writeString(base.resolve("secret.txt"), SECRET);
            Files.createSymbolicLink(ROOT.resolve("escape"), base.resolve("secret.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Router ROUTER;

    static {
        try {
            ROUTER = Router.builder()
                    .defaults()
                    .route("GET", "/static/*", new StaticFiles("/static/*", ROOT, "", "index.html"))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One connection: bytes in chunks, optionally a request line built on a fuzzed path for the files. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        FakeTransport t = new FakeTransport(
                        new ManualLoop(), HttpServerConsumer.newConnection(ROUTER, HttpLimits.defaults()), true)
                .connect();
        if (data.consumeBoolean()) {
            String path = data.consumeString(200);
            t.receive(
                    ("GET /static/" + path + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                    false);
        }
        while (data.remainingBytes() > 0 && !t.isLost()) {
            byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 600));
            t.receive(ByteBuffer.wrap(chunk));
        }
        String out = new String(t.takeOutput(), StandardCharsets.ISO_8859_1);
        assertThat(out).doesNotContain(SECRET);
        java.util.regex.Matcher statusLine =
                java.util.regex.Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3}) ").matcher(out);
        while (statusLine.find()) {
            int status = Integer.parseInt(statusLine.group(1));
            assertThat(status).as(out).isNotEqualTo(500).isBetween(100, 505);
        }
        if (!out.isEmpty()) {
            assertThat(out).startsWith("HTTP/1.1 ");
        }
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
