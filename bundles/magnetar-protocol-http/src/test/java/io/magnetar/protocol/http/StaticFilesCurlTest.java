package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.http.internal.StaticFiles;
import io.magnetar.tcp.TcpTransportProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static files as curl sees them: bytes, ranges, conditional requests, traversal attempts. */
class StaticFilesCurlTest {

    @TempDir
    Path tmp;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "static-test");
    private TcpServer server;
    private Path root;
    private byte[] big;
    private String base;

    @BeforeEach
    void start() throws Exception {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        assumeTrue(required || Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        root = Files.createDirectories(tmp.resolve("www"));
        big = new byte[1024 * 1024 + 7];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>\n");
        Files.createDirectories(root.resolve("css"));
        Files.writeString(root.resolve("css/site.css"), "body{}\n");
        Files.writeString(tmp.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(root.resolve("out"), tmp.resolve("secret.txt"));
        Router router = Router.builder()
                .route("GET", "/assets/*", new StaticFiles("/assets/*", root, "max-age=60", "index.html"))
                .route("HEAD", "/assets/*", new StaticFiles("/assets/*", root, "max-age=60", "index.html"))
                .build();
        server = TcpServer.builder(
                        new TcpTransportProvider(group),
                        () -> HttpServerConsumer.newConnection(router, HttpLimits.defaults()))
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().get(20, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    /** curl's output: the head (-D) then the body, as bytes. */
    private record Reply(String head, byte[] body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private Reply curl(String path, String... extra) throws Exception {
        Path headFile = tmp.resolve("head.txt");
        Path bodyFile = tmp.resolve("body.bin");
        Files.deleteIfExists(bodyFile); // curl writes no file for an empty body
        Files.deleteIfExists(headFile);
        List<String> command = new ArrayList<>(
                List.of("curl", "-s", "--path-as-is", "-D", headFile.toString(), "-o", bodyFile.toString()));
        command.addAll(Arrays.asList(extra));
        command.add(base + path);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl " + command + ": " + out).isZero();
        return new Reply(
                Files.readString(headFile, StandardCharsets.ISO_8859_1),
                Files.exists(bodyFile) ? Files.readAllBytes(bodyFile) : new byte[0]);
    }

    @Test
    void wholeFileByteForByteWithValidatorsAndType() throws Exception {
        Reply r = curl("/assets/big.bin");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(big);
        assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(r.header("etag")).startsWith("\"");
        assertThat(r.header("last-modified")).endsWith("GMT");
        assertThat(r.header("accept-ranges")).isEqualTo("bytes");
        assertThat(r.header("cache-control")).isEqualTo("max-age=60");

        Reply css = curl("/assets/css/site.css");
        assertThat(css.header("content-type")).isEqualTo("text/css; charset=utf-8");
        Reply head = curl("/assets/big.bin", "-I");
        assertThat(head.header("content-length")).isEqualTo(String.valueOf(big.length));
    }

    @Test
    void directoryServesItsIndexAndMissingIs404() throws Exception {
        assertThat(new String(curl("/assets/").body(), StandardCharsets.UTF_8)).isEqualTo("<h1>home</h1>\n");
        assertThat(curl("/assets/css/").status()).isEqualTo(404);
        assertThat(curl("/assets/nothing.txt").status()).isEqualTo(404);
    }

    @Test
    /** As nginx: a directory without its slash is redirected, so that its index page's relative links work. */
    void aDirectoryWithoutItsSlashIsRedirectedToIt() throws Exception {
        Reply r = curl("/assets/css?v=1");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("/assets/css/?v=1");
        assertThat(curl("/assets").header("location")).isEqualTo("/assets/");

        assertThat(new String(curl("/assets", "-L").body(), StandardCharsets.UTF_8))
                .isEqualTo("<h1>home</h1>\n");
    }

    @Test
    void rangesAnswer206Or416AndIgnoreWhatTheyCannotHonour() throws Exception {
        Reply r = curl("/assets/big.bin", "-H", "Range: bytes=100-199");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("content-range")).isEqualTo("bytes 100-199/" + big.length);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(big, 100, 200));

        Reply suffix = curl("/assets/big.bin", "-H", "Range: bytes=-10");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(big, big.length - 10, big.length));
        Reply open = curl("/assets/big.bin", "-H", "Range: bytes=1048570-");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(big, 1048570, big.length));

        Reply unsatisfiable = curl("/assets/big.bin", "-H", "Range: bytes=" + big.length + "-");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("content-range")).isEqualTo("bytes */" + big.length);

        assertThat(curl("/assets/big.bin", "-H", "Range: bytes=0-1,5-6").status())
                .as("several ranges")
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "Range: bytes=9-3").status())
                .as("invalid range")
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "Range: lines=1-2").status())
                .as("another unit")
                .isEqualTo(200);
    }

    @Test
    void conditionalRequestsAnswer304AndIfRangeNeedsTheStrongValidator() throws Exception {
        Reply first = curl("/assets/big.bin");
        String etag = first.header("etag");
        String lastModified = first.header("last-modified");

        Reply same = curl("/assets/big.bin", "-H", "If-None-Match: " + etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.header("etag")).isEqualTo(etag);
        assertThat(curl("/assets/big.bin", "-H", "If-None-Match: W/" + etag).status())
                .as("weak comparison")
                .isEqualTo(304);
        assertThat(curl("/assets/big.bin", "-H", "If-None-Match: \"other\"").status())
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Modified-Since: " + lastModified)
                        .status())
                .isEqualTo(304);
        assertThat(curl("/assets/big.bin", "-H", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT")
                        .status())
                .isEqualTo(200);

        assertThat(curl("/assets/big.bin", "-H", "Range: bytes=0-9", "-H", "If-Range: " + etag)
                        .status())
                .isEqualTo(206);
        assertThat(curl("/assets/big.bin", "-H", "Range: bytes=0-9", "-H", "If-Range: W/" + etag)
                        .status())
                .as("never with a weak tag")
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "Range: bytes=0-9", "-H", "If-Range: \"stale\"")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void everyHttpDateFormatIsAcceptedInConditions() throws Exception {
        Reply first = curl("/assets/big.bin");
        String etag = first.header("etag");
        ZonedDateTime modified =
                ZonedDateTime.parse(first.header("last-modified"), DateTimeFormatter.RFC_1123_DATE_TIME);
        String rfc850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
                .format(modified);
        String asctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
                .format(modified);

        for (String date : List.of(rfc850, asctime)) {
            assertThat(curl("/assets/big.bin", "-H", "If-Modified-Since: " + date)
                            .status())
                    .as("If-Modified-Since: %s", date)
                    .isEqualTo(304);
            assertThat(curl("/assets/big.bin", "-H", "If-Unmodified-Since: " + date)
                            .status())
                    .as("If-Unmodified-Since: %s", date)
                    .isEqualTo(200);
            assertThat(curl("/assets/big.bin", "-H", "Range: bytes=0-9", "-H", "If-Range: " + date)
                            .status())
                    .as("If-Range: %s", date)
                    .isEqualTo(206);
        }
        assertThat(curl("/assets/big.bin", "-H", "If-None-Match: \"x\"", "-H", "If-None-Match: " + etag)
                        .status())
                .as("If-None-Match over two lines is one list")
                .isEqualTo(304);
    }

    @Test
    void ifMatchAndIfUnmodifiedSinceThatFailAnswer412InTheirOrder() throws Exception {
        String etag = curl("/assets/big.bin").header("etag");
        String before = "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT";

        Reply failed = curl("/assets/big.bin", "-H", "If-Match: \"other\"");
        assertThat(failed.head()).startsWith("HTTP/1.1 412 Precondition Failed\r\n");
        assertThat(curl("/assets/big.bin", "-I", "-H", "If-Match: \"other\"").status())
                .as("HEAD")
                .isEqualTo(412);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: W/" + etag).status())
                .as("strong comparison")
                .isEqualTo(412);
        assertThat(curl("/assets/big.bin", "-H", before).status()).isEqualTo(412);

        assertThat(curl("/assets/big.bin", "-H", "If-Match: " + etag).status()).isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: *").status()).isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: \"x\", " + etag).status())
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: \"x\"", "-H", "If-Match: " + etag)
                        .status())
                .as("over two lines")
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: " + etag, "-H", before)
                        .status())
                .as("If-Unmodified-Since only without If-Match")
                .isEqualTo(200);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: \"x\"", "-H", "If-None-Match: " + etag)
                        .status())
                .as("If-Match before If-None-Match")
                .isEqualTo(412);
        assertThat(curl("/assets/big.bin", "-H", before, "-H", "If-None-Match: " + etag)
                        .status())
                .as("If-Unmodified-Since before If-None-Match")
                .isEqualTo(412);
        assertThat(curl("/assets/big.bin", "-H", "If-Match: " + etag, "-H", "If-None-Match: " + etag)
                        .status())
                .isEqualTo(304);
        assertThat(curl("/assets/big.bin", "-H", "If-Unmodified-Since: not a date")
                        .status())
                .as("an invalid date is ignored")
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/assets/../secret.txt",
                "/assets/%2e%2e/secret.txt",
                "/assets/%2E%2E/secret.txt",
                "/assets/css/../../secret.txt",
                "/assets/%2e%2e%2fsecret.txt",
                "/assets/..%5csecret.txt",
                "/assets/%5c..%5csecret.txt",
                "/assets/..;/secret.txt",
                "/assets/out",
                "/assets/%00",
                "/assets/%zz",
                "/assets/%c0%ae%c0%ae/secret.txt"
            })
    void noPathLeavesTheDirectory(String path) throws Exception {
        Reply r = curl(path);
        assertThat(r.status()).as(path).isIn(400, 404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("secret");
    }
}
