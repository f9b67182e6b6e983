package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.protocol.echo.EchoFraming.MessageTooLongException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EchoFramingTest {

    private static final String SEP = "\r\n\r\n";
    /** '\r', "\r\n" and "\r\n\r" inside, and a trailing '\r' that runs into the separator. */
    private static final String TRICKY = "a\rb\r\nc\r\n\rd\r\r\n\re\r";

    private final EchoFraming framing = new EchoFraming(1024);

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(ByteBuffer message) {
        byte[] b = new byte[message.remaining()];
        message.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code chunks} in order; returns every message completed, checking none is lost. */
    private static List<String> feedAll(EchoFraming framing, List<String> chunks) {
        List<String> messages = new ArrayList<>();
        for (String chunk : chunks) {
            ByteBuffer data = bytes(chunk);
            while (data.hasRemaining()) {
                ByteBuffer m = framing.feed(data);
                if (m == null) {
                    assertThat(data.hasRemaining())
                            .as("null only once the chunk is consumed")
                            .isFalse();
                } else {
                    messages.add(text(m));
                }
            }
        }
        return messages;
    }

    @Test
    void messageSplitAtEveryByteBoundaryYieldsExactlyTheMessage() {
        String wire = TRICKY + SEP;
        for (int i = 0; i <= wire.length(); i++) {
            List<String> chunks = List.of(wire.substring(0, i), wire.substring(i));

            assertThat(feedAll(new EchoFraming(1024), chunks))
                    .as("split at %d", i)
                    .containsExactly(TRICKY);
        }
    }

    @Test
    void messageSplitAtEveryPairOfBoundariesYieldsExactlyTheMessage() {
        String wire = TRICKY + SEP;
        for (int i = 0; i <= wire.length(); i++) {
            for (int j = i; j <= wire.length(); j++) {
                List<String> chunks = List.of(wire.substring(0, i), wire.substring(i, j), wire.substring(j));

                assertThat(feedAll(new EchoFraming(1024), chunks))
                        .as("split at %d and %d", i, j)
                        .containsExactly(TRICKY);
            }
        }
    }

    @Test
    void messagesFedOneByteAtATimeComeOutWhole() {
        String wire = TRICKY + SEP + "second" + SEP + TRICKY + SEP;
        List<String> chunks =
                wire.chars().mapToObj(c -> String.valueOf((char) c)).toList();

        assertThat(feedAll(framing, chunks)).containsExactly(TRICKY, "second", TRICKY);
    }

    @Test
    void returnsOneMessageAtATimeLeavingTheRestInTheBuffer() {
        ByteBuffer data = bytes("one" + SEP + "two" + SEP + SEP + "thr");

        assertThat(text(framing.feed(data))).isEqualTo("one");
        assertThat(data.position()).isEqualTo(3 + SEP.length());
        assertThat(text(framing.feed(data))).isEqualTo("two");
        assertThat(text(framing.feed(data)))
                .as("a separator right after a separator")
                .isEmpty();
        assertThat(framing.feed(data)).isNull();
        assertThat(data.hasRemaining()).isFalse();
        assertThat(text(framing.feed(bytes("ee" + SEP)))).isEqualTo("three");
    }

    @Test
    void everyMessageReusesOneBufferThatAlsoHoldsItsSeparator() {
        ByteBuffer data = bytes("one" + SEP + "second" + SEP);

        ByteBuffer first = framing.feed(data);
        assertThat(text(framing.withSeparator())).isEqualTo("one" + SEP);
        ByteBuffer second = framing.feed(data);

        assertThat(second).as("no buffer per message").isSameAs(first);
        assertThat(text(second.duplicate())).isEqualTo("second");
        assertThat(text(framing.withSeparator())).isEqualTo("second" + SEP);
    }

    @Test
    void aBufferGrownForALongMessageIsLetGoAfterIt() {
        String big = "b".repeat(EchoFraming.KEPT_CAPACITY * 2);
        EchoFraming roomy = new EchoFraming(EchoFraming.KEPT_CAPACITY * 4);

        assertThat(roomy.feed(bytes(big + SEP)).capacity()).isGreaterThan(EchoFraming.KEPT_CAPACITY);
        ByteBuffer small = roomy.feed(bytes("small" + SEP));

        assertThat(small.capacity()).as("capacity after a long message").isLessThanOrEqualTo(EchoFraming.KEPT_CAPACITY);
        assertThat(text(small)).isEqualTo("small");
    }

    @Test
    void withSeparatorBeforeAnyMessageIsRefused() {
        assertThatThrownBy(framing::withSeparator).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // wire, escaped with \r and \n spelled out  | the message
                "'\\r\\r\\n\\r\\n'                           | '\\r'",
                "'\\r\\n\\r\\r\\n\\r\\n'                     | '\\r\\n\\r'",
                "'\\r\\n\\r\\n'                              | ''",
                "'\\n\\r\\n\\r\\n'                           | '\\n'",
                "'\\r\\r\\r\\r\\n\\r\\n'                     | '\\r\\r\\r'",
                "'\\r\\n\\r\\r\\n\\r\\r\\n\\r\\n'            | '\\r\\n\\r\\r\\n\\r'",
                "'x\\r\\n\\r\\n\\r\\n'                       | 'x'",
            })
    void separatorPrefixesRightBeforeTheSeparatorEndTheMessageAtTheFirstFullSeparator(String wire, String message) {
        String w = unescape(wire);
        ByteBuffer data = bytes(w);

        assertThat(text(framing.feed(data))).isEqualTo(unescape(message));
        // Whatever follows the first separator is left for the next message.
        assertThat(data.position()).isEqualTo(w.indexOf(SEP) + SEP.length());
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        EchoFraming small = new EchoFraming(16);
        String plain = "x".repeat(16);
        String endsInSeparatorPrefix = "0123456789abc\r\n\r";

        assertThat(feedAll(small, List.of(plain + SEP, endsInSeparatorPrefix + SEP)))
                .containsExactly(plain, endsInSeparatorPrefix);
    }

    @Test
    void messageOneByteOverTheLimitIsRefusedEvenWithItsSeparator() {
        EchoFraming small = new EchoFraming(16);
        ByteBuffer data = bytes("x".repeat(17) + SEP);

        assertThatThrownBy(() -> small.feed(data)).isInstanceOf(MessageTooLongException.class);
    }

    @Test
    void streamThatNeverEndsIsRefusedAfterAtMostLimitPlusSeparatorBytes() {
        EchoFraming small = new EchoFraming(100);
        ByteBuffer endless = ByteBuffer.allocate(1 << 20);
        Arrays.fill(endless.array(), (byte) 'x');

        assertThatThrownBy(() -> small.feed(endless)).isInstanceOf(MessageTooLongException.class);
        // Refused before buffering: a bulk scan may refuse without taking the bytes at all.
        assertThat(endless.position()).as("bytes taken").isLessThanOrEqualTo(100 + SEP.length());
    }

    @Test
    void streamArrivingByteByByteIsRefusedAsSoonAsItPassesTheLimit() {
        int max = 1000;
        EchoFraming small = new EchoFraming(max);
        // Separator prefixes must not let a message grow: they still count once they are not a separator.
        byte[] pattern = "ab\r\n\r".getBytes(StandardCharsets.ISO_8859_1);
        int fed = 0;
        try {
            for (; fed < 100 * max; fed++) {
                assertThat(small.feed(ByteBuffer.wrap(pattern, fed % pattern.length, 1)))
                        .isNull();
            }
        } catch (MessageTooLongException expected) {
            assertThat(fed).as("bytes accepted before refusing").isBetween(max, max + SEP.length());
            return;
        }
        throw new AssertionError("a message that never ends was never refused");
    }

    @Test
    void defaultLimitStreamIsRefusedWithoutBufferingMuchMoreThanTheLimit() {
        EchoFraming framing = new EchoFraming(EchoFraming.DEFAULT_MAX_MESSAGE);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long fed = 0;
        try {
            while (fed < 4L * EchoFraming.DEFAULT_MAX_MESSAGE) {
                chunk.clear();
                assertThat(framing.feed(chunk)).isNull();
                fed += chunk.capacity();
            }
        } catch (MessageTooLongException expected) {
            fed += chunk.position();
            assertThat(fed)
                    .isBetween(
                            (long) EchoFraming.DEFAULT_MAX_MESSAGE,
                            (long) EchoFraming.DEFAULT_MAX_MESSAGE + SEP.length());
            return;
        }
        throw new AssertionError("a message that never ends was never refused");
    }
}
