package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.magnetar.protocol.resp.RedisException;
import io.magnetar.protocol.resp.RespServerLimits;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile inputs, each on its own connection to one shared keyspace, cut into random
 * reads: nothing may throw out of {@code dataReceived}, all output must be whole RESP replies, every
 * refusal must end with {@code -ERR Protocol error} and the reason, close, and no connection may hold
 * more than the limits. The server still serves afterwards.
 */
class RespServerFuzzTest {

    private static final int CASES = 6000;
    private static final RespServerLimits LIMITS = new RespServerLimits(256, 16, 128, 1024);

    @Test
    void hostileInputNeverThrowsAndIsAnsweredOrRefusedWithAReasonWithinTheLimits() {
        InMemoryServer server = new InMemoryServer();
        RespFuzz fuzz = new RespFuzz(0x7265737066757a7aL);
        TreeMap<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            outcomes.merge(runCase(server, i, fuzz.input(), fuzz), 1, Integer::sum);
        }
        System.out.println("RESP fuzz outcomes over " + CASES + " cases: " + outcomes);
        assertThat(outcomes.keySet())
                .as("both answered and refused inputs were generated")
                .anyMatch(o -> o.startsWith("answered"))
                .anyMatch(o -> o.startsWith("refused"));
        assertThat(outcomes.keySet())
                .as("every limit was hit")
                .anyMatch(o -> o.contains("exceeds the limit"))
                .anyMatch(o -> o.contains("command of more than"))
                .anyMatch(o -> o.contains("too big inline"));

        InMemoryServer.Client after = server.connect(LIMITS);
        assertThat(after.call("PING")).isEqualTo("PONG");
        assertThat(after.call("SET", "after", "fuzz")).isEqualTo("OK");
        assertThat(RespServerCommandsTest.v(after.call("GET", "after"))).isEqualTo("fuzz");
    }

    private static String runCase(InMemoryServer server, int n, byte[] input, RespFuzz fuzz) {
        InMemoryServer.Client c = server.connect(LIMITS);
        String what = "case " + n + ": " + RespFuzz.printable(input);
        try {
            for (byte[] piece : fuzz.split(input)) {
                c.transport.receive(piece, fuzz.coin());
            }
            if (fuzz.coin()) {
                c.transport.receiveEof();
            }
            server.loop.advance(RespServerConnection.LINGER);
        } catch (Throwable t) {
            fail(what + " threw " + t, t);
        }
        assertThat(c.connection.peakArena()).as(what).isLessThanOrEqualTo(LIMITS.maxFrameBytes());
        assertThat(c.connection.peakArgs()).as(what).isLessThanOrEqualTo(LIMITS.maxArgs());
        List<Object> replies;
        try {
            replies = InMemoryServer.parse(c.transport.takeOutput());
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(what + ": output is not RESP", e);
        }
        String reason = c.connection.closeReason();
        if (reason == null) {
            assertThat(c.transport.eofWritten()).as(what).isFalse();
            c.transport.close();
            return "answered " + Math.min(replies.size(), 5) + (replies.size() >= 5 ? "+" : "");
        }
        assertThat(reason).as(what).startsWith("Protocol error: ");
        assertThat(replies).as(what).isNotEmpty();
        Object last = replies.get(replies.size() - 1);
        assertThat(last).as(what).isInstanceOf(RedisException.class);
        assertThat(((RedisException) last).getMessage()).as(what).isEqualTo("ERR " + reason);
        assertThat(c.transport.isLost())
                .as(what + ": refused and still open after the linger")
                .isTrue();
        // The reason without its numbers, so that outcomes group.
        return "refused " + reason.replaceAll("[0-9]+", "N").replaceAll("'.*'", "'X'");
    }
}
