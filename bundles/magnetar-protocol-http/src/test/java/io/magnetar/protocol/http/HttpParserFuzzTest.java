package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile inputs against whole connections in memory: nothing may throw, every output
 * must be well-formed responses, every refusal must close with its reason, and no connection may
 * hold more request bytes than the limits allow.
 */
class HttpParserFuzzTest {

    private static final int CASES = 5000;
    private static final HttpLimits LIMITS = HttpLimits.builder()
            .maxRequestLine(128)
            .maxHeaderBytes(512)
            .maxHeaderCount(16)
            .maxBody(2048)
            .headerTimeout(Duration.ofSeconds(1))
            .build();
    private static final long MAX_HELD = (long) LIMITS.maxRequestLine() + LIMITS.maxHeaderBytes() + LIMITS.maxBody();
    private static final Set<Integer> REFUSALS = Set.of(400, 408, 413, 414, 431, 501, 505);

    private final Router router = Router.builder()
            .get("/plaintext", r -> Router.PLAINTEXT)
            .post("/echo", r -> HttpResponse.builder(200).body(r.bodyBytes()).build())
            .route(
                    "PUT",
                    "/echo",
                    r -> HttpResponse.builder(200).body(r.bodyBytes()).build())
            .build();

    @Test
    void hostileInputNeverThrowsAndIsAnsweredOrRefusedWithAReasonWithinTheLimits() throws Exception {
        HttpFuzz fuzz = new HttpFuzz(0x6d61676e65746172L);
        TreeMap<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            byte[] input = fuzz.input();
            String outcome = runCase(i, input, fuzz);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("HTTP fuzz outcomes over " + CASES + " cases: " + outcomes);
        assertThat(outcomes.keySet())
                .as("both answered and refused inputs were generated")
                .anyMatch(o -> o.startsWith("answered"))
                .anyMatch(o -> o.startsWith("refused"));
    }

    private String runCase(int n, byte[] input, HttpFuzz fuzz) throws Exception {
        ManualLoop loop = new ManualLoop();
        HttpConnection connection = HttpConnection.create(router, LIMITS);
        FakeTransport transport = new FakeTransport(loop, connection).connect();
        String what = "case " + n + ": " + HttpFuzz.printable(input);
        try {
            for (byte[] piece : fuzz.split(input)) {
                transport.receive(piece, fuzz.coin());
            }
            if (fuzz.coin()) {
                transport.receiveEof();
            }
            // Past the header timeout and the linger: whatever was pending is settled now.
            loop.advance(LIMITS.headerTimeout().plus(HttpConnection.LINGER));
        } catch (Throwable t) {
            fail(what + " threw " + t, t);
        }
        assertThat(connection.parser().maxBuffered()).as(what).isLessThanOrEqualTo(MAX_HELD);
        List<RawResponse> responses;
        try {
            responses = RawResponse.readAll(transport.takeText());
        } catch (java.io.IOException e) {
            throw new AssertionError(what + ": malformed output", e);
        }
        String reason = connection.closeReason();
        assertThat(reason)
                .as(what)
                .satisfiesAnyOf(r -> assertThat(r).isNull(), r -> assertThat(r).doesNotStartWith("500"));
        for (int i = 0; i < responses.size(); i++) {
            RawResponse r = responses.get(i);
            // 501 is also the router's answer to an unknown method, which keeps the connection.
            if (REFUSALS.contains(r.status()) && (r.status() != 501 || (reason != null && reason.startsWith("501")))) {
                assertThat(i).as(what + ": a refusal is the last response").isEqualTo(responses.size() - 1);
                assertThat(r.closes()).as(what).isTrue();
                assertThat(reason).as(what).startsWith(String.valueOf(r.status()));
            } else {
                assertThat(r.status()).as(what).isIn(100, 200, 404, 405, 501);
            }
        }
        if (reason != null) {
            assertThat(transport.eofWritten() || transport.isLost())
                    .as(what + ": refused and still open")
                    .isTrue();
            return "refused " + reason.substring(0, 3);
        }
        return "answered " + responses.size() + (transport.isLost() ? " then closed" : "");
    }
}
