package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RFC 9110/9112 cases an outside probe found answered differently from a careful server, and the
 * default timeouts (nginx's keepalive_timeout and client_body_timeout), on an in-memory connection with
 * a manual clock.
 */
class HttpHardeningTest {

    private static final HttpLimits LIMITS = HttpLimits.builder()
            .keepAliveTimeout(Duration.ofSeconds(75))
            .bodyTimeout(Duration.ofSeconds(60))
            .build();

    private final ManualLoop loop = new ManualLoop();
    private HttpConnection connection;
    private FakeTransport transport;

    private FakeTransport open() {
        Router router = Router.builder()
                .defaults()
                .post("/upload", r -> HttpResponse.text("got " + r.bodyBytes().length))
                .route("GET", "/item", r -> HttpResponse.text("item"))
                .build();
        connection = HttpConnection.create(router, LIMITS);
        transport = new FakeTransport(loop, connection).connect();
        return transport;
    }

    private List<RawResponse> responses() throws Exception {
        return RawResponse.readAll(transport.takeText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "user@host", "host:80a", "[::1", "a%2", "a\\\\b", "[]"})
    void hostThatIsNotAValidAuthorityIs400(String host) throws Exception {
        open().receive("GET /plaintext HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.closes()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "example.com",
                "example.com:8080",
                "127.0.0.1:80",
                "[::1]:8080",
                "[v1.fe80::a+en1]",
                "xn--bcher-kva.example",
                "a%41b",
                "host:",
                ""
            })
    void validAuthoritiesAreServed(String host) throws Exception {
        open().receive("GET /plaintext HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertThat(responses().get(0).status()).isEqualTo(200);
    }

    @Test
    void laterHttp1MinorVersionIsServedAsHttp11AndKeepsTheConnection() throws Exception {
        open().receive("GET /plaintext HTTP/1.2\r\nHost: h\r\n\r\nGET /plaintext HTTP/1.9\r\nHost: h\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got).extracting(RawResponse::status).containsExactly(200, 200);
        assertThat(got.get(1).closes()).isFalse();
        assertThat(connection.closeReason()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /item#top", "GET /item?q=\"b\"", "GET http://u:p@h/item", "CONNECT h:443"})
    void targetOutsideWhatIsServedIsRefusedWithItsReasonAndTheConnectionClosed(String requestLine) throws Exception {
        open().receive(requestLine + " HTTP/1.1\r\nHost: h\r\n\r\nGET /item HTTP/1.1\r\nHost: h\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got).hasSize(1);
        int status = requestLine.startsWith("CONNECT") ? 501 : 400;
        assertThat(got.get(0).status()).isEqualTo(status);
        assertThat(got.get(0).closes()).isTrue();
        assertThat(connection.closeReason())
                .startsWith(status + " ")
                .endsWith(got.get(0).body().strip());
    }

    @Test
    void idleKeepAliveConnectionClosesAfterTheDefaultTimeoutWithoutAnEndpointKeepAlive() throws Exception {
        open().receive("GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(responses()).hasSize(1);

        loop.advance(Duration.ofSeconds(74));
        assertThat(transport.eofWritten() || transport.isLost())
                .as("still open at 74 s")
                .isFalse();
        transport.receive("GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(responses()).as("a request restarts the idle time").hasSize(1);
        loop.advance(Duration.ofSeconds(74));
        assertThat(transport.eofWritten() || transport.isLost()).isFalse();
        loop.advance(Duration.ofSeconds(2));

        assertThat(transport.eofWritten() || transport.isLost())
                .as("closed after 75 s idle")
                .isTrue();
        assertThat(transport.takeText()).as("closed with a FIN, no response").isEmpty();
    }

    @Test
    void requestBodyThatStopsArrivingIsAnswered408AndClosed() throws Exception {
        open().receive("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
        loop.advance(Duration.ofSeconds(59));
        transport.receive("de"); // still arriving: the timeout is between reads
        loop.advance(Duration.ofSeconds(59));
        assertThat(transport.takeText()).isEmpty();

        loop.advance(Duration.ofSeconds(2));

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(408);
        assertThat(r.closes()).isTrue();
        assertThat(connection.closeReason()).startsWith("408");
    }

    @Test
    void aBodyThatArrivesInTimeIsServed() throws Exception {
        open().receive("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
        loop.advance(Duration.ofSeconds(30));
        transport.receive("cd");

        assertThat(responses().get(0).body()).isEqualTo("got 4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BREW", "get", "Get", "FOO-BAR"})
    void unknownMethodOrAKnownOneInLowerCaseIs501(String method) throws Exception {
        open().receive(method + " /item HTTP/1.1\r\nHost: h\r\n\r\n");

        assertThat(responses().get(0).status()).isEqualTo(501);
    }

    @Test
    void knownMethodThePathDoesNotServeIs405WithAllow() throws Exception {
        open().receive("DELETE /item HTTP/1.1\r\nHost: h\r\n\r\n");

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void optionsAsteriskIsAnsweredWithEveryMethodAndContinues() throws Exception {
        open().receive("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n");

        List<RawResponse> got = responses();
        assertThat(got.get(0).status()).isEqualTo(200);
        assertThat(got.get(0).header("allow")).contains("GET").contains("POST").contains("OPTIONS");
        assertThat(got.get(0).header("content-length")).isEqualTo("0");
        assertThat(got.get(1).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "HEAD"})
    void anyOtherMethodWithTheAsteriskTargetIs400(String method) throws Exception {
        open().receive(method + " * HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");

        RawResponse r = responses().get(0);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.closes()).isTrue();
    }
}
