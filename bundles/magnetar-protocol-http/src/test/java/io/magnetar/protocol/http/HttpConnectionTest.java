package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link HttpServerConsumer} on an in-memory transport and a manual clock: exact, and no sockets. */
class HttpConnectionTest {

    private static final String GET = "GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n";
    private static final HttpLimits LIMITS = HttpLimits.builder()
            .maxBody(1024)
            .headerTimeout(Duration.ofMillis(300))
            .build();

    private final ManualLoop loop = new ManualLoop();
    private final List<CompletableFuture<HttpResponse>> slow = new ArrayList<>();
    private final Router router = Router.builder()
            .get("/plaintext", r -> Router.PLAINTEXT)
            .post("/echo", r -> HttpResponse.builder(200).body(r.bodyBytes()).build())
            .get("/big", r -> HttpResponse.text("x".repeat(3 * ResponseWriter.COPY_BODY_UP_TO)))
            .get("/boom", r -> {
                throw new IllegalStateException("boom");
            })
            .get("/upgrade", r -> HttpResponse.switchingProtocols("test", Map.of(), Recorder::new))
            .routeAsync("GET", "/slow", r -> {
                CompletableFuture<HttpResponse> f = new CompletableFuture<>();
                slow.add(f);
                return f;
            })
            .build();
    /** What the upgraded connection's consumers were given, in order. */
    private final StringBuilder upgraded = new StringBuilder();

    private final class Recorder extends ProtocolConsumer {
        @Override
        protected void dataReceived(ByteBuffer data) {
            upgraded.append(StandardCharsets.US_ASCII.decode(data));
        }
    }

    private HttpConnection connection;
    private FakeTransport transport;

    private FakeTransport open(HttpLimits limits) {
        connection = HttpConnection.create(router, limits);
        transport = new FakeTransport(loop, connection).connect();
        return transport;
    }

    private List<RawResponse> responses() throws Exception {
        return RawResponse.readAll(transport.takeText());
    }

    @Test
    void sixteenPipelinedRequestsInOneReadAreAnsweredInOrderWithOneWrite() throws Exception {
        open(LIMITS);
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            wire.append(i % 2 == 0 ? GET : "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n" + (10 + i));
        }

        transport.receive(wire.toString());

        List<RawResponse> got = responses();
        assertThat(got).hasSize(16);
        for (int i = 0; i < 16; i++) {
            assertThat(got.get(i).body()).isEqualTo(i % 2 == 0 ? "Hello, World!" : String.valueOf(10 + i));
        }
        assertThat(transport.writes()).isEqualTo(1);
        assertThat(connection.processed()).isEqualTo(16);
    }

    @Test
    void plaintextResponseHasTheBenchmarkHeaders() throws Exception {
        open(LIMITS);

        transport.receive(GET);

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/plain");
        assertThat(r.header("content-length")).isEqualTo("13");
        assertThat(r.header("server")).isEqualTo("Magnetar");
        assertThat(r.header("date")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(r.header("connection")).isNull();
    }

    @Test
    void responseToARequestThatSpannedReadsIsWrittenBeforePostRequestFires() {
        open(LIMITS);
        List<Long> writtenAtPostRequest = new ArrayList<>();
        connection.onPostRequest(c -> writtenAtPostRequest.add(transport.bytesWritten()));

        transport.receive(GET.substring(0, 10));
        transport.receive(GET.substring(10) + GET);

        // The first request spanned reads: a draining server may close on its post_request.
        assertThat(writtenAtPostRequest).hasSize(2);
        assertThat(writtenAtPostRequest.get(0)).isPositive();
    }

    @Test
    void connectionCloseIsAnsweredThenClosedAndRequestsPipelinedAfterItAreDropped() throws Exception {
        open(LIMITS);

        transport.receive("GET /plaintext HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" + GET);

        List<RawResponse> got = responses();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).closes()).isTrue();
        assertThat(transport.isLost()).isTrue();
    }

    @Test
    void http10ClosesAfterTheResponseUnlessItAsksForKeepAlive() throws Exception {
        open(LIMITS);
        transport.receive("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawResponse kept = responses().get(0);
        assertThat(kept.header("connection")).isEqualTo("keep-alive");
        assertThat(transport.isLost()).isFalse();

        transport.receive("GET /plaintext HTTP/1.0\r\n\r\n");

        assertThat(responses().get(0).closes()).isTrue();
        assertThat(transport.isLost()).isTrue();
    }

    @Test
    void headRequestGetsTheGetHeadersWithoutTheBody() throws Exception {
        open(LIMITS);

        transport.receive("HEAD /plaintext HTTP/1.1\r\nHost: h\r\n\r\n" + GET);

        String wire = transport.takeText();
        int second = wire.indexOf("HTTP/1.1 200", 1);
        assertThat(wire.substring(0, second)).contains("Content-Length: 13\r\n").endsWith("\r\n\r\n");
        assertThat(RawResponse.readAll(wire.substring(second)))
                .extracting(RawResponse::body)
                .containsExactly("Hello, World!");
    }

    @Test
    void unknownPathIs404AndAnotherMethodOnAKnownPathIs405WithAllow() throws Exception {
        open(LIMITS);

        transport.receive("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\nDELETE /plaintext HTTP/1.1\r\nHost: h\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(404, 405);
        assertThat(got.get(1).header("allow")).isEqualTo("GET, HEAD");
        assertThat(transport.isLost()).isFalse();
    }

    @Test
    void chunkedBodyReachesTheHandlerDecoded() throws Exception {
        open(LIMITS);

        transport.receive("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n");

        assertThat(responses()).extracting(RawResponse::body).containsExactly("abcde");
    }

    @Test
    void bodyLargerThanTheCopyLimitIsWrittenWhole() throws Exception {
        open(LIMITS);

        transport.receive("GET /big HTTP/1.1\r\nHost: h\r\n\r\n" + GET);

        assertThat(responses())
                .extracting(r -> r.body().length())
                .containsExactly(3 * ResponseWriter.COPY_BODY_UP_TO, 13);
    }

    @Test
    void expectContinueGets100BeforeTheBodyIsSent() throws Exception {
        open(LIMITS);

        transport.receive("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        assertThat(transport.takeText()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        transport.receive("body");

        assertThat(responses()).extracting(RawResponse::body).containsExactly("body");
    }

    @Test
    /** RFC 9110 10.1.1: a request no route serves gets its final status instead of the 100: no body uploaded for it. */
    void expectContinueForAMethodOrPathNotServedGetsItsRefusalAndNo100() throws Exception {
        open(LIMITS);

        transport.receive("POST /plaintext HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(405);
        assertThat(got.get(0).header("allow")).contains("GET");
        assertThat(got.get(0).closes()).isTrue();

        open(LIMITS);
        transport.receive("PUT /nowhere HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        assertThat(responses()).extracting(RawResponse::status).containsExactly(404);
    }

    @Test
    void expectContinueWithABodyOverTheLimitGets413AndNo100() throws Exception {
        open(LIMITS);

        transport.receive("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1025\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(413);
        assertThat(got.get(0).closes()).isTrue();
    }

    @Test
    void handlerThatThrowsGets500AndTheConnectionCloses() throws Exception {
        open(LIMITS);

        transport.receive("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n" + GET);

        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(500);
        assertThat(got.get(0).body()).doesNotContain("boom");
        assertThat(transport.eofWritten()).isTrue();
        assertThat(connection.closeReason()).isEqualTo("500 handler failed");
    }

    @Test
    void badRequestIsAnsweredThenOutputShutAndInputDroppedUntilTheLingerEnds() throws Exception {
        open(LIMITS);

        transport.receive("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n" + GET);
        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(400);
        assertThat(got.get(0).body()).isEqualTo("header field without colon\n");
        assertThat(got.get(0).closes()).isTrue();
        assertThat(transport.eofWritten()).isTrue();
        assertThat(connection.closeReason()).isEqualTo("400 header field without colon");

        transport.receive(GET);
        assertThat(transport.takeText()).as("nothing answered while lingering").isEmpty();
        assertThat(transport.isLost()).isFalse();

        loop.advance(HttpConnection.LINGER);
        assertThat(transport.isLost()).isTrue();
    }

    @Test
    void lingeringEndsAtOnceWhenTheClientCloses() {
        open(LIMITS);
        transport.receive("BAD\r\n\r\n");

        transport.receiveEof();

        assertThat(transport.isLost()).isTrue();
    }

    @Test
    void headNotCompleteWithinTheHeaderTimeoutIsAnswered408AndClosed() throws Exception {
        open(LIMITS);
        loop.advance(Duration.ofMillis(1000)); // idle time before the request does not count... once it started
        assertThat(transport.isLost()).as("silent since connect: closed").isTrue();

        open(LIMITS);
        transport.receive("GET /plaintext HTTP/1.1\r\n");
        for (int i = 0; i < 5; i++) {
            loop.advance(Duration.ofMillis(50));
            transport.receive("X");
        }
        assertThat(transport.isLost()).isFalse();
        loop.advance(Duration.ofMillis(50));

        assertThat(transport.isLost()).isTrue();
        assertThat(responses()).extracting(RawResponse::status).containsExactly(408);
        assertThat(connection.closeReason()).startsWith("408");
    }

    @Test
    void connectionThatSaysNothingAfterConnectIsClosedWithoutAResponse() {
        open(LIMITS);

        loop.advance(Duration.ofMillis(300));

        assertThat(transport.isLost()).isTrue();
        assertThat(transport.takeText()).isEmpty();
    }

    @Test
    void requestsThatCompleteInTimeNeverTripTheTimeoutAndUseOneTimerAtATime() throws Exception {
        open(LIMITS);
        for (int i = 0; i < 50; i++) {
            transport.receive(GET.substring(0, 5));
            loop.advance(Duration.ofMillis(100));
            transport.receive(GET.substring(5));
            assertThat(loop.pendingTimers()).isLessThanOrEqualTo(1);
            loop.advance(Duration.ofMillis(250)); // idle between requests: the server's keepAlive's job
        }

        assertThat(transport.isLost()).isFalse();
        assertThat(responses()).hasSize(50);
    }

    @Test
    void asyncResponsesKeepRequestOrderAndStopReadingWhileTheHandlerWorks() throws Exception {
        open(LIMITS);

        transport.receive(
                "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n" + GET + "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n" + GET);
        assertThat(transport.takeText()).isEmpty();
        assertThat(transport.isReading()).isFalse();
        assertThat(connection.isBusy()).isTrue();

        slow.get(0).complete(HttpResponse.text("first"));
        loop.runTasks();
        slow.get(1).complete(HttpResponse.text("third"));
        loop.runTasks();

        assertThat(responses())
                .extracting(RawResponse::body)
                .containsExactly("first", "Hello, World!", "third", "Hello, World!");
        assertThat(transport.isReading()).isTrue();
        assertThat(connection.processed()).isEqualTo(4);
    }

    @Test
    void asyncHandlerThatFailsGets500() throws Exception {
        open(LIMITS);
        transport.receive("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");

        slow.get(0).completeExceptionally(new IllegalStateException("down"));
        loop.runTasks();

        assertThat(responses()).extracting(RawResponse::status).containsExactly(500);
        assertThat(transport.eofWritten()).isTrue();
    }

    @Test
    void clientHalfCloseWhileAnAsyncHandlerWorksStillGetsTheResponsesThenCloses() throws Exception {
        open(LIMITS);
        transport.receive("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n" + GET);
        transport.receiveEof();
        assertThat(transport.isLost()).isFalse();

        slow.get(0).complete(HttpResponse.text("late"));
        loop.runTasks();

        assertThat(responses()).extracting(RawResponse::body).containsExactly("late", "Hello, World!");
        assertThat(transport.isLost()).isTrue();
    }

    @Test
    void pausedWritingStopsReadingUntilResumed() {
        open(LIMITS);

        connection.pauseWriting();
        assertThat(transport.isReading()).isFalse();
        connection.resumeWriting();

        assertThat(transport.isReading()).isTrue();
    }

    @Test
    void anUpgradedConnectionHandsTheBytesAfterTheRequestOnAndLetsItsParserGo() throws Exception {
        open(LIMITS);

        transport.receive("GET /upgrade HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nfirst");
        loop.runTasks();
        transport.receive("GET /plaintext HTTP/1.1\r\n\r\n");

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.header("upgrade")).isEqualTo("test");
        assertThat(upgraded).hasToString("firstGET /plaintext HTTP/1.1\r\n\r\n");
        assertThat(connection.parser())
                .as("the request parser is not kept for the new protocol")
                .isNull();
        transport.receiveEof();
        assertThat(transport.takeText()).isEmpty();
    }
}
