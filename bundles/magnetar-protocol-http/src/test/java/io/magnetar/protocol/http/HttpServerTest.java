package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.producers.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP server end to end: {@code TcpServer} over loopback TCP, real clients. */
class HttpServerTest {

    static final HttpLimits LIMITS = HttpLimits.builder()
            .maxRequestLine(1024)
            .maxHeaderBytes(4096)
            .maxHeaderCount(50)
            .maxBody(64 * 1024)
            .headerTimeout(Duration.ofMillis(300))
            .build();
    private static final String GET = TestServer.GET;

    private TestServer http;
    private TcpServer server;
    private BlockingQueue<HttpConnection> serverConnections;
    private int port;

    @BeforeEach
    void start() throws Exception {
        http = new TestServer(TestServer.testRouter(), LIMITS);
        server = http.server;
        serverConnections = http.connections;
        port = http.port;
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
    }

    private Socket connect() throws IOException {
        return http.connect();
    }

    private static void send(Socket s, String text) throws IOException {
        TestServer.send(s, text);
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        return TestServer.endOfStream(in);
    }

    private HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void jdkHttpClientGetsPlaintext() throws Exception {
        var response = client().send(
                        java.net.http.HttpRequest.newBuilder(uri("/plaintext")).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello, World!");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
    }

    @Test
    void jdkHttpClientPostsBodiesAndGetsThemBackOnOneConnection() throws Exception {
        HttpClient client = client();
        byte[] big = new byte[40_000];
        new java.util.Random(7).nextBytes(big);
        for (byte[] body : List.of("small".getBytes(StandardCharsets.UTF_8), big)) {
            var response = client.send(
                    java.net.http.HttpRequest.newBuilder(uri("/echo"))
                            .POST(BodyPublishers.ofByteArray(body))
                            .build(),
                    BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
        }
        assertThat(server.sessions()).as("kept alive").isEqualTo(1);
    }

    @Test
    void sixteenPipelinedRequestsOnARawSocketGetSixteenResponsesInOrder() throws Exception {
        Socket s = connect();
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            wire.append(i % 4 == 3 ? "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n" + (100 + i) : GET);
        }

        send(s, wire.toString());

        for (int i = 0; i < 16; i++) {
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(i % 4 == 3 ? String.valueOf(100 + i) : "Hello, World!");
        }
        send(s, GET);
        assertThat(RawResponse.read(s.getInputStream()).body()).as("still open").isEqualTo("Hello, World!");
    }

    @Test
    void connectionCloseGetsTheResponseThenEndOfStream() throws Exception {
        Socket s = connect();

        send(s, "GET /plaintext HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.body()).isEqualTo("Hello, World!");
        assertThat(r.closes()).isTrue();
        assertThat(endOfStream(s.getInputStream())).isTrue();
    }

    @Test
    void http10RequestIsAnsweredAndClosed() throws Exception {
        Socket s = connect();

        send(s, "GET /plaintext HTTP/1.0\r\n\r\n");

        assertThat(RawResponse.read(s.getInputStream()).body()).isEqualTo("Hello, World!");
        assertThat(endOfStream(s.getInputStream())).isTrue();
    }

    @Test
    /** RFC 9112 9.6: a client still sending a refused upload reads its 413, not a broken pipe or a reset. */
    void aClientStillSendingABodyOverTheLimitReadsThe413() throws Exception {
        Socket s = connect();
        int length = 16 << 20;
        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
            try {
                send(s, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + length + "\r\n\r\n");
                byte[] chunk = new byte[64 << 10];
                for (int sent = 0; sent < length; sent += chunk.length) {
                    s.getOutputStream().write(chunk);
                }
                s.shutdownOutput();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.closes()).isTrue();
        upload.get(30, TimeUnit.SECONDS); // throws when the server reset the connection under the writer
        assertThat(endOfStream(s.getInputStream())).isTrue();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n", 400, "header field without colon"),
                Arguments.of(
                        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n",
                        400,
                        "both Transfer-Encoding and Content-Length"),
                Arguments.of(
                        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 70000\r\n\r\n" + "b".repeat(1000),
                        413,
                        "body of 70000 bytes over the limit of 65536 bytes"),
                Arguments.of(
                        "GET / HTTP/1.1\r\nHost: h\r\n" + ("X-Big: " + "v".repeat(200) + "\r\n").repeat(25) + "\r\n",
                        431,
                        "header section larger than 4096 bytes"),
                Arguments.of(
                        "GET /" + "u".repeat(2000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                        414,
                        "request line longer than 1024 bytes"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("refusals")
    void refusedRequestIsAnsweredWithItsReasonThenTheConnectionCloses(String wire, int status, String reason)
            throws Exception {
        Socket s = connect();

        send(s, wire);

        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(reason + "\n");
        assertThat(r.closes()).isTrue();
        assertThat(endOfStream(s.getInputStream())).isTrue();
        assertThat(serverConnections.poll(5, TimeUnit.SECONDS).closeReason()).isEqualTo(status + " " + reason);
    }

    @Test
    void slowlorisIsClosedByTheHeaderTimeoutWhileANormalClientIsServed() throws Exception {
        Socket slow = connect();
        send(slow, "GET /plaintext HTTP/1.1\r\nHost: h\r\nX-Slow: ");
        Thread dripper = new Thread(
                () -> {
                    try {
                        // One byte every 50 ms: would take 10 s to finish, the header timeout is 300 ms.
                        for (int i = 0; i < 200; i++) {
                            send(slow, "a");
                            Thread.sleep(50);
                        }
                    } catch (IOException | InterruptedException closedByServer) {
                        // expected: the server closed the connection
                    }
                },
                "slowloris");
        dripper.start();
        try {
            Socket normal = connect();
            send(normal, GET);
            assertThat(RawResponse.read(normal.getInputStream()).status()).isEqualTo(200);

            RawResponse r = RawResponse.read(slow.getInputStream());
            assertThat(r.status()).isEqualTo(408);
            assertThat(endOfStream(slow.getInputStream())).isTrue();
            // Two loops: connections are not queued in connect order; only the slow one has a reason.
            assertThat(serverConnections)
                    .extracting(HttpConnection::closeReason)
                    .filteredOn(reason -> reason != null)
                    .containsExactly("408 request head not complete within 300 ms");

            send(normal, GET);
            assertThat(RawResponse.read(normal.getInputStream()).status())
                    .as("the normal client goes on")
                    .isEqualTo(200);
        } finally {
            dripper.interrupt();
            dripper.join(5_000);
        }
    }
}
