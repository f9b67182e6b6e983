package io.magnetar.protocols.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Every framing decoder, configured and fed in chunks by the fuzzer. Contract: no frame is longer than the
 * maximum, the only exception is {@link FrameTooLongException} (and only for a frame that really is too
 * long), and for the decoders that keep their delimiter the frames put back together are exactly the bytes
 * read, in order: nothing lost, nothing made up, whatever the chunking.
 */
public class CodecFuzz {

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 512);
        int kind = data.consumeInt(0, 3);
        FrameDecoder decoder = switch (kind) {
            case 0 -> new LineDecoder(max, false);
            case 1 ->
                new DelimiterDecoder(
                        data.consumeBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n', '\r', '\n'}, max, false);
            case 2 ->
                new LengthFieldDecoder(
                        max,
                        data.consumeInt(0, 3),
                        data.pickValue(new int[] {1, 2, 3, 4, 8}),
                        data.consumeBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
                        data.consumeInt(-4, 4),
                        0);
            default -> new FixedLengthDecoder(max);
        };
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        FrameSink sink = frame -> {
            assertThat(frame.remaining()).isLessThanOrEqualTo(max);
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            frames.writeBytes(b);
        };
        try {
            while (data.remainingBytes() > 0) {
                byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 100));
                in.writeBytes(chunk);
                decoder.decode(ByteBuffer.wrap(chunk), sink);
            }
        } catch (FrameTooLongException e) {
            assertThat(e.limit()).isEqualTo(max);
            return;
        } catch (IllegalArgumentException badConfiguration) {
            return; // a length field configuration the decoder refuses: its documented answer
        }
        if (kind != 2) {
            // Kept delimiters, fixed lengths: the frames are a prefix of the input, the rest a partial frame.
            byte[] all = in.toByteArray();
            byte[] out = frames.toByteArray();
            assertThat(out.length).isLessThanOrEqualTo(all.length);
            assertThat(java.util.Arrays.copyOf(all, out.length)).isEqualTo(out);
        }
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
