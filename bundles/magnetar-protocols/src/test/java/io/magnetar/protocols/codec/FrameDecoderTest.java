package io.magnetar.protocols.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoders' framing rules, fed whole, in every split, and at the limits. */
class FrameDecoderTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds {@code wire} cut at {@code cuts}, collecting frames as strings. */
    private static List<String> feed(FrameDecoder d, byte[] wire, int... cuts) {
        List<String> frames = new ArrayList<>();
        int from = 0;
        int[] ends = new int[cuts.length + 1];
        System.arraycopy(cuts, 0, ends, 0, cuts.length);
        ends[cuts.length] = wire.length;
        for (int end : ends) {
            ByteBuffer part = ByteBuffer.wrap(wire, from, end - from).slice();
            d.decode(part, f -> {
                byte[] b = new byte[f.remaining()];
                f.duplicate().get(b);
                frames.add(new String(b, StandardCharsets.ISO_8859_1));
            });
            assertThat(part.hasRemaining()).isFalse();
            from = end;
        }
        return frames;
    }

    @Test
    void linesEndInLfOrCrlfAndACrlfSplitAcrossReadsIsStillOneEnding() {
        byte[] wire = "one\ntwo\r\nthree\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            assertThat(feed(new LineDecoder(64, true), wire, cut))
                    .as("cut at " + cut)
                    .containsExactly("one", "two", "three");
        }
        assertThat(feed(new LineDecoder(64, false), wire)).containsExactly("one\n", "two\r\n", "three\r\n");
    }

    @Test
    void aFrameWithinOneReadIsHandedOverInPlaceAndOnlyASplitOneIsCopied() {
        ByteBuffer data = ascii("aa\nbb\ncc");
        List<Boolean> inPlace = new ArrayList<>();
        LineDecoder d = new LineDecoder(64, true);
        d.decode(data, f -> inPlace.add(f == data));
        assertThat(inPlace).containsExactly(true, true);
        assertThat(d.hasPartialFrame()).isTrue();
        ByteBuffer rest = ascii("c\n");
        d.decode(rest, f -> inPlace.add(f == rest));
        assertThat(inPlace).containsExactly(true, true, false);
    }

    @Test
    void aDelimiterSplitAnywhereIsFoundAndOverlappingPrefixesDoNotConfuseIt() {
        byte[] wire = "hello\r\n\r\nworld\r\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            assertThat(feed(new DelimiterDecoder(new byte[] {'\r', '\n', '\r', '\n'}, 64, true), wire, cut))
                    .as("cut at " + cut)
                    .containsExactly("hello", "world\r");
        }
        assertThat(feed(
                        new DelimiterDecoder("aab".getBytes(StandardCharsets.ISO_8859_1), 64, true),
                        "xaaabyaab".getBytes(StandardCharsets.ISO_8859_1),
                        3))
                .containsExactly("xa", "y");
    }

    @Test
    void maximumCountsTheWholeFrameExactlyMaxPassesAndMaxPlusOneIsRefused() {
        assertThat(feed(new LineDecoder(5, true), "abcd\n".getBytes(StandardCharsets.ISO_8859_1)))
                .containsExactly("abcd");
        assertThatThrownBy(() -> feed(new LineDecoder(5, true), "abcde\n".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("5");
        assertThatThrownBy(
                        () -> feed(new LineDecoder(5, true), "abcdefghij".getBytes(StandardCharsets.ISO_8859_1), 3, 6))
                .as("refused while it arrives, before more than the maximum is buffered")
                .isInstanceOf(FrameTooLongException.class);
        byte[] seven = {0, 5, 1, 2, 3, 4, 5};
        assertThat(feed(LengthFieldDecoder.prefix(7, 2), seven)).hasSize(1);
        assertThatThrownBy(() -> feed(LengthFieldDecoder.prefix(6, 2), new byte[] {0, 5}))
                .as("known from the header alone")
                .isInstanceOf(FrameTooLongException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 8})
    void lengthFieldsOfEverySizeAndByteOrder(int size) {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            byte[] body = "payload".getBytes(StandardCharsets.ISO_8859_1);
            byte[] wire = new byte[2 * (size + body.length)];
            for (int f = 0; f < 2; f++) {
                int at = f * (size + body.length);
                for (int k = 0; k < size; k++) {
                    int shift = 8 * (order == ByteOrder.BIG_ENDIAN ? size - 1 - k : k);
                    wire[at + k] = (byte) ((long) body.length >>> shift);
                }
                System.arraycopy(body, 0, wire, at + size, body.length);
            }
            LengthFieldDecoder d = new LengthFieldDecoder(64, 0, size, order, 0, size);
            for (int cut = 1; cut < wire.length; cut++) {
                assertThat(feed(new LengthFieldDecoder(64, 0, size, order, 0, size), wire, cut))
                        .as(size + " bytes " + order + " cut at " + cut)
                        .containsExactly("payload", "payload");
            }
            assertThat(feed(d, wire)).containsExactly("payload", "payload");
        }
    }

    /** The cases of Netty's LengthFieldBasedFrameDecoder documentation, with the same header layouts. */
    @Test
    void offsetAdjustmentAndStripCases() {
        // 2-byte length counting the whole frame (adjustment -2), nothing stripped.
        byte[] whole = {0, 14, 'H', 'E', 'L', 'L', 'O', ',', ' ', 'W', 'O', 'R', 'L', 'D'};
        assertThat(feed(new LengthFieldDecoder(64, 0, 2, ByteOrder.BIG_ENDIAN, -2, 0), whole))
                .containsExactly(new String(whole, StandardCharsets.ISO_8859_1));
        // a 2-byte header before a 3-byte length (offset 2), all kept.
        byte[] offset = {(byte) 0xCA, (byte) 0xFE, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
        assertThat(feed(new LengthFieldDecoder(64, 2, 3, ByteOrder.BIG_ENDIAN, 0, 0), offset))
                .hasSize(1);
        // length, then a 2-byte header counted outside the length (adjustment 2), length and header stripped.
        byte[] after = {0, 5, (byte) 0xCA, (byte) 0xFE, 'h', 'e', 'l', 'l', 'o'};
        assertThat(feed(new LengthFieldDecoder(64, 0, 2, ByteOrder.BIG_ENDIAN, 2, 4), after))
                .containsExactly("hello");
    }

    @Test
    void corruptLengthsAreRefused() {
        assertThatThrownBy(() ->
                        feed(new LengthFieldDecoder(64, 0, 2, ByteOrder.BIG_ENDIAN, -10, 0), new byte[] {0, 1, 9}))
                .isInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("corrupt");
        byte[] negative = {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> feed(new LengthFieldDecoder(64, 0, 8, ByteOrder.BIG_ENDIAN, 0, 8), negative))
                .isInstanceOf(FrameTooLongException.class);
    }

    @Test
    void fixedLengthFrames() {
        byte[] wire = "abcdefgh".getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            assertThat(feed(new FixedLengthDecoder(4), wire, cut)).containsExactly("abcd", "efgh");
        }
    }
}
