package io.magnetar.protocol.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    private static final HttpLimits SMALL = HttpLimits.builder()
            .maxRequestLine(64)
            .maxHeaderBytes(256)
            .maxHeaderCount(8)
            .maxBody(1024)
            .build();

    private static final String POST = "POST /submit?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\n"
            + "content-length: 11\r\nX-Mixed-Case:  padded value \t\r\n\r\nhello world";
    private static final String CHUNKED = "PUT /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;flag\r\nhello\r\n1 ; ext=\"q\"\r\n \r\nA\r\n0123456789\r\n0\r\n"
            + "Trailer-One: 1\r\nTrailer-Two: two\r\n\r\n";

    private final RequestParser parser = new RequestParser(SMALL);

    /** What the tests look at in a parsed request, taken before the parser is reset. */
    record Seen(
            String method,
            String target,
            String path,
            String query,
            String version,
            String mixed,
            String body,
            boolean keepAlive) {
        static Seen of(HttpRequest r) {
            return new Seen(
                    r.method(),
                    r.target(),
                    r.path(),
                    r.query(),
                    r.version(),
                    r.header("x-mixed-case"),
                    r.bodyText(),
                    r.keepAlive());
        }
    }

    private static ByteBuffer bytes(String s, boolean direct) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(b.length) : ByteBuffer.allocate(b.length);
        return buf.put(b).flip();
    }

    /** Feeds the chunks in order, resetting after each request; fails on an error. */
    private static List<Seen> parseAll(RequestParser p, List<String> chunks, boolean direct) {
        List<Seen> seen = new ArrayList<>();
        for (String chunk : chunks) {
            ByteBuffer data = bytes(chunk, direct);
            while (data.hasRemaining()) {
                int r = p.feed(data);
                if (r == RequestParser.HEAD_DONE) {
                    continue;
                }
                assertThat(r).as("%s: %s", p.errorStatus(), p.errorReason()).isNotEqualTo(RequestParser.ERROR);
                if (r == RequestParser.COMPLETE) {
                    seen.add(Seen.of(p.request()));
                    p.reset();
                } else {
                    assertThat(data.hasRemaining())
                            .as("NEED_MORE only once the chunk is used up")
                            .isFalse();
                }
            }
        }
        return seen;
    }

    private int errorOf(String wire) {
        ByteBuffer data = bytes(wire, false);
        int r;
        do {
            r = parser.feed(data);
            if (r == RequestParser.COMPLETE) {
                parser.reset();
            }
        } while (data.hasRemaining() && r != RequestParser.ERROR);
        assertThat(r).as("result for %s", wire).isEqualTo(RequestParser.ERROR);
        return parser.errorStatus();
    }

    @Test
    void requestSplitAtEveryByteBoundaryParsesTheSame() {
        Seen expected = new Seen(
                "POST", "/submit?x=1&y=2", "/submit", "x=1&y=2", "HTTP/1.1", "padded value", "hello world", true);
        for (int i = 0; i <= POST.length(); i++) {
            List<String> chunks = List.of(POST.substring(0, i), POST.substring(i));

            assertThat(parseAll(new RequestParser(SMALL), chunks, i % 2 == 0))
                    .as("split at %d", i)
                    .containsExactly(expected);
        }
    }

    @Test
    void chunkedRequestSplitAtEveryPairOfBoundariesParsesTheSame() {
        for (int i = 0; i <= CHUNKED.length(); i += 3) {
            for (int j = i; j <= CHUNKED.length(); j++) {
                List<String> chunks = List.of(CHUNKED.substring(0, i), CHUNKED.substring(i, j), CHUNKED.substring(j));

                List<Seen> seen = parseAll(new RequestParser(SMALL), chunks, j % 2 == 0);
                assertThat(seen).as("split at %d and %d", i, j).hasSize(1);
                assertThat(seen.get(0).body()).isEqualTo("hello 0123456789");
            }
        }
    }

    @Test
    void requestFedOneByteAtATimeParses() {
        List<String> bytes =
                (POST + CHUNKED).chars().mapToObj(c -> String.valueOf((char) c)).toList();

        List<Seen> seen = parseAll(parser, bytes, true);

        assertThat(seen).extracting(Seen::method).containsExactly("POST", "PUT");
        assertThat(seen).extracting(Seen::body).containsExactly("hello world", "hello 0123456789");
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersIsDecodedAndTheTrailersDropped() {
        ByteBuffer data = bytes(CHUNKED + "GET / HTTP/1.1\r\nHost: h\r\n\r\n", false);

        assertThat(parser.feed(data)).isEqualTo(RequestParser.HEAD_DONE);
        assertThat(parser.feed(data)).isEqualTo(RequestParser.COMPLETE);

        HttpRequest r = parser.request();
        assertThat(r.bodyText()).isEqualTo("hello 0123456789");
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(r.header("Trailer-One")).as("trailers are not headers").isNull();
        assertThat(data.remaining())
                .as("the next request stays")
                .isEqualTo("GET / HTTP/1.1\r\nHost: h\r\n\r\n".length());
    }

    @Test
    void contentLengthBodyIsReadExactlyAndTheNextRequestLeftInTheBuffer() {
        ByteBuffer data = bytes(POST + "GET", false);

        assertThat(parser.feed(data)).isEqualTo(RequestParser.HEAD_DONE);
        assertThat(parser.feed(data)).isEqualTo(RequestParser.COMPLETE);

        assertThat(parser.request().bodyText()).isEqualTo("hello world");
        assertThat(data.remaining()).isEqualTo(3);
    }

    @Test
    void sixteenPipelinedRequestsInOneBufferComeOutInOrder() {
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            wire.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }

        List<Seen> seen = parseAll(parser, List.of(wire.toString()), true);

        assertThat(seen)
                .extracting(Seen::path)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 16)
                        .mapToObj(i -> "/r" + i)
                        .toList());
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreIgnored() {
        assertThat(parseAll(parser, List.of("\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n"), false))
                .extracting(Seen::path)
                .containsExactly("/x");
    }

    @Test
    void absoluteFormAndAsteriskTargetsGivePathAndQuery() {
        List<Seen> seen = parseAll(
                parser,
                List.of("GET http://h:80/p/q?k=v HTTP/1.1\r\nHost: h\r\n\r\n"
                        + "GET https://h HTTP/1.1\r\nHost: h\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
                false);

        assertThat(seen).extracting(Seen::path).containsExactly("/p/q", "/", "*");
        assertThat(seen.get(0).query()).isEqualTo("k=v");
        assertThat(seen.get(1).query()).isNull();
    }

    @Test
    void keepAliveFollowsVersionAndConnectionTokens() {
        List<Seen> seen = parseAll(
                parser,
                List.of(
                        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n",
                        "GET / HTTP/1.0\r\n\r\n",
                        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
                false);

        assertThat(seen).extracting(Seen::keepAlive).containsExactly(true, false, false, true);
    }

    @Test
    void headersAreLookedUpIgnoringCaseAndRepeatedOnesKeptInOrder() {
        ByteBuffer data = bytes("GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nACCEPT: b\r\nX-Empty:\r\n\r\n", false);
        assertThat(parser.feed(data)).isEqualTo(RequestParser.COMPLETE);

        HttpRequest r = parser.request();
        assertThat(r.header("accept")).isEqualTo("a");
        assertThat(r.headers("Accept")).containsExactly("a", "b");
        assertThat(r.header("x-empty")).isEmpty();
        assertThat(r.header("missing")).isNull();
        assertThat(r.headerNames()).containsExactly("Host", "Accept", "X-Empty");
    }

    @Test
    void detachedRequestKeepsItsValuesAfterTheParserMovesOn() {
        ByteBuffer data = bytes(POST + "GET /other HTTP/1.1\r\nHost: o\r\n\r\n", false);
        parser.feed(data);
        parser.feed(data);
        HttpRequest detached = parser.request().detach();
        parser.reset();

        assertThat(parser.feed(data)).isEqualTo(RequestParser.COMPLETE);

        assertThat(parser.request().path()).isEqualTo("/other");
        assertThat(detached.path()).isEqualTo("/submit");
        assertThat(detached.header("host")).isEqualTo("example.com");
        assertThat(detached.bodyText()).isEqualTo("hello world");
    }

    static Stream<Arguments> refusedInput() {
        String h = "Host: h\r\n";
        return Stream.of(
                Arguments.of("bare LF line ends", "GET / HTTP/1.1\n" + h + "\n", 400),
                Arguments.of("bare CR in a field value", "GET / HTTP/1.1\r\n" + h + "X: a\rb\r\n\r\n", 400),
                Arguments.of("header line without colon", "GET / HTTP/1.1\r\n" + h + "NoColon\r\n\r\n", 400),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
                Arguments.of("obsolete line folding", "GET / HTTP/1.1\r\n" + h + "X: a\r\n b\r\n\r\n", 400),
                Arguments.of("NUL in a field value", "GET / HTTP/1.1\r\n" + h + "X: a\0b\r\n\r\n", 400),
                Arguments.of("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host fields", "GET / HTTP/1.1\r\n" + h + h + "\r\n", 400),
                Arguments.of(
                        "Transfer-Encoding and Content-Length",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                        400),
                Arguments.of(
                        "conflicting Content-Length",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n",
                        400),
                Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n", 400),
                Arguments.of("Content-Length list", "POST / HTTP/1.1\r\n" + h + "Content-Length: 1, 1\r\n\r\n", 400),
                Arguments.of(
                        "invalid chunk size",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                        400),
                Arguments.of(
                        "chunk data without CRLF",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX",
                        400),
                Arguments.of("chunked not final", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n", 400),
                Arguments.of(
                        "chunked not final over two lines",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
                        400),
                Arguments.of(
                        "chunked twice",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, chunked\r\n\r\n",
                        400),
                Arguments.of(
                        "chunked twice over two lines",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                        400),
                Arguments.of(
                        "Transfer-Encoding with only empty elements",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: , ,\r\n\r\n",
                        400),
                Arguments.of(
                        "unknown transfer coding before chunked",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n",
                        501),
                Arguments.of(
                        "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + h + "\r\n", 505),
                Arguments.of("HTTP/0.9 request line", "GET / HTTP/0.9\r\n" + h + "\r\n", 505),
                Arguments.of("HTTP/1.2 without Host, as HTTP/1.1", "GET / HTTP/1.2\r\n\r\n", 400),
                Arguments.of("malformed version", "GET / HTTX/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("two spaces after the method", "GET  / HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("control byte in the target", "GET /a\u0001b HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("target in authority form", "GET example.com HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("CONNECT in authority form", "CONNECT example.com:443 HTTP/1.1\r\n" + h + "\r\n", 501),
                Arguments.of("userinfo in absolute form", "GET http://u:p@x/health HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("empty host in absolute form", "GET http:///health HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("method longer than the request line limit", "A".repeat(80) + " / HTTP/1.1\r\n\r\n", 501),
                Arguments.of(
                        "request line over the limit", "GET /" + "a".repeat(64) + " HTTP/1.1\r\n" + h + "\r\n", 414),
                Arguments.of(
                        "header section over the limit",
                        "GET / HTTP/1.1\r\n" + h + "X: " + "v".repeat(256) + "\r\n\r\n",
                        431),
                Arguments.of("too many header fields", "GET / HTTP/1.1\r\n" + h + "X: 1\r\n".repeat(8) + "\r\n", 431),
                Arguments.of(
                        "Content-Length over the body limit",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 1025\r\n\r\n",
                        413),
                Arguments.of(
                        "Content-Length beyond any long",
                        "POST / HTTP/1.1\r\n" + h + "Content-Length: 99999999999999999999999\r\n\r\n",
                        413),
                Arguments.of(
                        "chunked body over the body limit",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n200\r\n" + "x".repeat(512)
                                + "\r\n201\r\n",
                        413),
                Arguments.of(
                        "chunk size line over its limit",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n1;"
                                + "e".repeat(ChunkedDecoder.MAX_SIZE_LINE) + "\r\n",
                        400),
                Arguments.of(
                        "trailer section over the limit",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nT: " + "t".repeat(256)
                                + "\r\n\r\n",
                        431),
                Arguments.of(
                        "trailer line without colon",
                        "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nnocolon\r\n\r\n",
                        400));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"", "<", ">", "#", "#frag", "%", "%4", "%4g", "%g4"})
    void requestTargetWithAByteOutsideTheUriCharactersIs400(String bad) {
        assertThat(errorOf("GET /a" + bad + "z?q HTTP/1.1\r\nHost: h\r\n\r\n")).isEqualTo(400);
        assertThat(parser.errorReason()).contains("request target");
        parser.reset();
        assertThat(errorOf("GET /a?q=" + bad + " HTTP/1.1\r\nHost: h\r\n\r\n"))
                .as("in the query")
                .isEqualTo(400);
        parser.reset();
        assertThat(errorOf("GET http://h/a" + bad + " HTTP/1.1\r\nHost: h\r\n\r\n"))
                .as("in the path of an absolute-form target")
                .isEqualTo(400);
    }

    @Test
    /** RFC 3986's characters, those browsers send unencoded (WHATWG URL), and IPv6 literal authorities. */
    void everyUriCharacterAndIpv6LiteralAuthoritiesAreAccepted() {
        String all = "/Az09-._~!$&'()*+,;=:@%2F%aF[]\\^`{|}?/:@%20[]";
        List<Seen> seen = parseAll(
                parser,
                List.of(
                        "GET " + all + " HTTP/1.1\r\nHost: h\r\n\r\n",
                        "GET http://[::1]:8080/x?y HTTP/1.1\r\nHost: h\r\n\r\n",
                        "GET http://[v1.fe80::a+en1]/ HTTP/1.1\r\nHost: h\r\n\r\n"),
                false);

        assertThat(seen)
                .extracting(Seen::target)
                .containsExactly(all.replace("%aF", "%AF"), "http://[::1]:8080/x?y", "http://[v1.fe80::a+en1]/");
        assertThat(seen).extracting(Seen::path).containsExactly("/Az09-._~!$&'()*+,;=:@%2F%AF[]\\^`{|}", "/x", "/");
    }

    @Test
    /** RFC 3986 6.2.2: the same path however it is escaped, so a route matches it; the query is left as sent. */
    void pathEscapesOfUnreservedCharactersAreDecodedAndOthersUpperCased() {
        String wire = "GET /h%65alth%7e/%2f%41%2E%2d%5F?q=%41%2f HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET http://h/%7Ea%25 HTTP/1.1\r\nHost: h\r\n\r\n";
        for (int split = 0; split <= wire.length(); split++) {
            parser.reset();
            List<Seen> seen =
                    parseAll(parser, List.of(wire.substring(0, split), wire.substring(split)), split % 2 == 0);

            assertThat(seen).extracting(Seen::path).containsExactly("/health~/%2FA.-_", "/~a%25");
            assertThat(seen).extracting(Seen::query).containsExactly("q=%41%2f", null);
            assertThat(seen).extracting(Seen::target).containsExactly("/health~/%2FA.-_?q=%41%2f", "http://h/~a%25");
            assertThat(seen).extracting(Seen::version).containsOnly("HTTP/1.1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\rHost: h\r", "GET /\rx", "GET / HTTP/1.1\r\nHost: h\rX"})
    /** RFC 9112 2.2: a CR that no LF follows is refused when seen, not when the head times out. */
    void bareCrIsRefusedBeforeAnyLfArrives(String wire) {
        assertThat(errorOf(wire)).isEqualTo(400);
        assertThat(parser.errorReason()).contains("bare CR");
    }

    @Test
    void crAtTheEndOfOneReadIsJudgedByTheNextRead() {
        assertThat(parser.feed(bytes("GET / HTTP/1.1\r", false))).isEqualTo(RequestParser.NEED_MORE);
        assertThat(parser.feed(bytes("\nHost: h\r", false))).isEqualTo(RequestParser.NEED_MORE);
        assertThat(parser.feed(bytes("X", false))).isEqualTo(RequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.2", "HTTP/1.9"})
    void laterHttp1MinorVersionsAreHandledAsHttp11(String version) {
        List<Seen> seen =
                parseAll(parser, List.of("GET /v HTTP/1.1\r\nHost: h\r\n\r\n".replace("HTTP/1.1", version)), false);

        assertThat(seen).extracting(Seen::version).containsExactly("HTTP/1.1");
        assertThat(seen).extracting(Seen::keepAlive).containsExactly(true);
    }

    @ParameterizedTest
    @ValueSource(strings = {",chunked", "chunked,", " , chunked , ,", "CHUNKED"})
    void emptyTransferCodingListElementsAreIgnored(String value) {
        String wire = "PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + value + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

        assertThat(parseAll(parser, List.of(wire), false))
                .extracting(Seen::body)
                .containsExactly("hello");
    }

    @Test
    void transferEncodingOverTwoLinesIsOneList() {
        String wire = "PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n";
        assertThat(parseAll(parser, List.of(wire), false))
                .extracting(Seen::body)
                .containsExactly("hello");

        int oneLine = errorOf("PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        String oneLineReason = parser.errorReason();
        parser.reset();
        int twoLines =
                errorOf("PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");

        assertThat(oneLine).isEqualTo(501);
        assertThat(twoLines).isEqualTo(501);
        assertThat(parser.errorReason()).isEqualTo(oneLineReason).contains("not supported");
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refusedInput")
    void malformedOrOversizedInputIsRefusedWithItsStatus(String what, String wire, int status) {
        assertThat(errorOf(wire)).as(parser.errorReason()).isEqualTo(status);
        assertThat(parser.errorReason()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /", ""})
    void endlessRequestLineIsRefusedBeforeItIsBuffered(String start) {
        ByteBuffer endless = ByteBuffer.allocate(1 << 20).put(start.getBytes(StandardCharsets.US_ASCII));
        while (endless.hasRemaining()) {
            endless.put((byte) 'a');
        }
        endless.flip();

        assertThat(parser.feed(endless)).isEqualTo(RequestParser.ERROR);

        assertThat(parser.errorStatus())
                .as("an endless target is too long a URI, an endless method one not implemented")
                .isEqualTo(start.isEmpty() ? 501 : 414);
        assertThat(parser.maxBuffered()).isLessThanOrEqualTo(SMALL.maxRequestLine() + SMALL.maxHeaderBytes());
    }

    @Test
    void bufferedBytesStayWithinTheLimitsForTheLargestAcceptedRequest() {
        String big = "POST /" + "p".repeat(40) + " HTTP/1.1\r\n" + "Host: h\r\nContent-Length: 1024\r\n" + "X: "
                + "v".repeat(190) + "\r\n\r\n" + "b".repeat(1024);

        assertThat(parseAll(parser, List.of(big), false)).hasSize(1);

        assertThat(parser.maxBuffered())
                .isLessThanOrEqualTo((long) SMALL.maxRequestLine() + SMALL.maxHeaderBytes() + SMALL.maxBody());
    }
}
