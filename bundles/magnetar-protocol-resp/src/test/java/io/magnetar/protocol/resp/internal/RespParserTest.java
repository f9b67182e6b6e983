package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.protocol.resp.RedisException;
import io.magnetar.protocol.resp.RespLimits;
import io.magnetar.protocol.resp.RespProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RespParserTest {

    /** One reply of every kind, nested arrays among them, and a bulk string holding CRLF. */
    private static final String STREAM = "+OK\r\n"
            + "-ERR unknown command 'FOO'\r\n"
            + ":42\r\n"
            + ":-9223372036854775808\r\n"
            + "$5\r\nhello\r\n"
            + "$0\r\n\r\n"
            + "$-1\r\n"
            + "*-1\r\n"
            + "*0\r\n"
            + "$6\r\na\r\nb\r\n\r\n"
            + "*4\r\n:1\r\n*2\r\n$1\r\nx\r\n*1\r\n+deep\r\n$-1\r\n-WRONGTYPE nested\r\n"
            + "+\r\n";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Every reply of {@code data}, parsed from the given chunks in order. */
    private static List<Object> parseAll(RespParser parser, List<ByteBuffer> chunks) {
        List<Object> replies = new ArrayList<>();
        for (ByteBuffer chunk : chunks) {
            for (Object r = parser.parse(chunk); r != RespParser.INCOMPLETE; r = parser.parse(chunk)) {
                replies.add(r);
            }
            assertThat(chunk.hasRemaining()).isFalse();
        }
        return replies;
    }

    /** Replies made comparable: byte[] as text, errors as "ERROR:" + message, lists element-wise. */
    private static Object normal(Object r) {
        if (r instanceof byte[] b) {
            return "BULK:" + new String(b, StandardCharsets.UTF_8);
        }
        if (r instanceof RedisException e) {
            return "ERROR:" + e.getMessage();
        }
        if (r instanceof List<?> l) {
            return l.stream().map(RespParserTest::normal).toList();
        }
        return r;
    }

    private static final List<Object> EXPECTED = Arrays.asList(
            "OK",
            "ERROR:ERR unknown command 'FOO'",
            42L,
            Long.MIN_VALUE,
            "BULK:hello",
            "BULK:",
            null,
            null,
            List.of(),
            "BULK:a\r\nb\r\n",
            Arrays.asList(1L, Arrays.asList("BULK:x", List.of("deep")), null, "ERROR:WRONGTYPE nested"),
            "");

    private static List<Object> normalAll(List<Object> replies) {
        List<Object> out = new ArrayList<>();
        for (Object r : replies) {
            out.add(normal(r));
        }
        return out;
    }

    @Test
    void parsesEveryReplyKindInOneChunk() {
        RespParser parser = new RespParser(RespLimits.DEFAULTS);
        assertThat(normalAll(parseAll(parser, List.of(bytes(STREAM))))).isEqualTo(EXPECTED);
        assertThat(parser.isIdle()).isTrue();
    }

    @Test
    void parsesTheStreamFedOneByteAtATime() {
        RespParser parser = new RespParser(RespLimits.DEFAULTS);
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        List<ByteBuffer> chunks = new ArrayList<>();
        for (byte b : all) {
            chunks.add(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(normalAll(parseAll(parser, chunks))).isEqualTo(EXPECTED);
    }

    @Test
    void parsesTheStreamSplitInTwoAtEveryByteBoundary() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= all.length; split++) {
            RespParser parser = new RespParser(RespLimits.DEFAULTS);
            List<ByteBuffer> chunks = List.of(
                    ByteBuffer.wrap(all, 0, split).slice(),
                    ByteBuffer.wrap(all, split, all.length - split).slice());
            assertThat(normalAll(parseAll(parser, chunks)))
                    .as("split at " + split)
                    .isEqualTo(EXPECTED);
        }
    }

    @Test
    void parsesTheStreamSplitInThreeAtEveryPairOfBoundaries() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int a = 0; a <= all.length; a++) {
            for (int b = a; b <= all.length; b++) {
                RespParser parser = new RespParser(RespLimits.DEFAULTS);
                List<ByteBuffer> chunks = List.of(
                        ByteBuffer.wrap(all, 0, a).slice(),
                        ByteBuffer.wrap(all, a, b - a).slice(),
                        ByteBuffer.wrap(all, b, all.length - b).slice());
                assertThat(normalAll(parseAll(parser, chunks)))
                        .as("split at " + a + " and " + b)
                        .isEqualTo(EXPECTED);
            }
        }
    }

    @Test
    void stopsRightAfterOneReplyAndLeavesTheRest() {
        RespParser parser = new RespParser(RespLimits.DEFAULTS);
        ByteBuffer data = bytes(":1\r\n:2\r\n");
        assertThat(parser.parse(data)).isEqualTo(1L);
        assertThat(data.remaining()).isEqualTo(4);
        assertThat(parser.parse(data)).isEqualTo(2L);
        assertThat(parser.parse(data)).isSameAs(RespParser.INCOMPLETE);
    }

    @Test
    void refusesABulkStringOverTheLimitBeforeReadingIt() {
        RespParser parser = new RespParser(new RespLimits(10, 100, 4, 100));
        assertThatThrownBy(() -> parser.parse(bytes("$11\r\n")))
                .isInstanceOf(RespProtocolException.class)
                .hasMessage("bulk string of 11 bytes exceeds the limit of 10");
    }

    @Test
    void refusesArraysNestedDeeperThanTheLimit() {
        RespParser parser = new RespParser(new RespLimits(10, 100, 3, 100));
        assertThat(parser.parse(bytes("*1\r\n*1\r\n*1\r\n:1\r\n"))).isEqualTo(List.of(List.of(List.of(1L))));
        assertThatThrownBy(() -> parser.parse(bytes("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")))
                .isInstanceOf(RespProtocolException.class)
                .hasMessage("arrays nested deeper than 3");
    }

    @Test
    void refusesAnArrayLongerThanTheLimit() {
        RespParser parser = new RespParser(new RespLimits(10, 100, 3, 100));
        assertThatThrownBy(() -> parser.parse(bytes("*101\r\n")))
                .isInstanceOf(RespProtocolException.class)
                .hasMessage("array of 101 elements exceeds the limit of 100");
    }

    @Test
    void refusesALineLongerThanTheLimit() {
        RespParser parser = new RespParser(new RespLimits(10, 100, 3, 8));
        assertThat(parser.parse(bytes("+12345678\r\n"))).isEqualTo("12345678");
        assertThatThrownBy(() -> parser.parse(bytes("+123456789\r\n")))
                .isInstanceOf(RespProtocolException.class)
                .hasMessage("RESP line longer than 8 bytes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "!oops\r\n",
                ":12a\r\n",
                ":\r\n",
                ":-\r\n",
                ":9223372036854775808\r\n",
                "$-2\r\n",
                "$3\r\nabcd\r\n",
                "+OK\rX",
                "*-5\r\n"
            })
    void refusesMalformedInputWithAClearError(String input) {
        RespParser parser = new RespParser(RespLimits.DEFAULTS);
        assertThatThrownBy(() -> {
                    ByteBuffer data = bytes(input);
                    while (data.hasRemaining()) {
                        parser.parse(data);
                    }
                })
                .isInstanceOf(RespProtocolException.class)
                .hasMessageNotContaining("null");
    }
}
