package io.magnetar.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;

/**
 * WebSocket frames (RFC 6455) as a client sends them, and permessage-deflate (RFC 7692) data and offers.
 * Frames contract: payload delivered never exceeds a frame's declared length or the frame limit, a
 * refused frame ends reading with a close code RFC 6455 allows, and nothing else escapes. Deflate contract:
 * inflation stops at the limit (false) or refuses the data (DataFormatException), never more output;
 * an offer is accepted or declined, never thrown on.
 */
public class WebSocketFuzz {

    private static final int MAX_FRAME = 4096;

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> frames(data);
            case 1 -> inflate(data);
            default -> PerMessageDeflate.negotiate(List.of(data.consumeRemainingAsString()));
        }
    }

    private static void frames(FuzzedDataProvider data) {
        long[] declared = {0};
        long[] delivered = {0};
        int[] violation = {0};
        FrameReader[] reader = new FrameReader[1];
        FrameReader.Frames sink = new FrameReader.Frames() {
            @Override
            public boolean frameStart(int opcode, boolean fin, boolean rsv1, long length) {
                assertThat(length).isBetween(0L, (long) MAX_FRAME);
                declared[0] = length;
                delivered[0] = 0;
                return true;
            }

            @Override
            public boolean payload(byte[] a, int from, int to) {
                delivered[0] += to - from;
                assertThat(delivered[0]).isLessThanOrEqualTo(declared[0]);
                return true;
            }

            @Override
            public boolean frameEnd() {
                assertThat(delivered[0]).isEqualTo(declared[0]);
                return true;
            }

            @Override
            public void violation(int code, String reason) {
                assertThat(code).isIn(1002, 1007, 1009);
                violation[0] = code;
            }
        };
        reader[0] = new FrameReader(sink, MAX_FRAME, data.consumeBoolean(), true);
        while (data.remainingBytes() > 0 && violation[0] == 0) {
            reader[0].read(ByteBuffer.wrap(data.consumeBytes(1 + data.consumeInt(0, 200))));
        }
    }

    private static void inflate(FuzzedDataProvider data) {
        PerMessageDeflate deflate = PerMessageDeflate.negotiate(List.of("permessage-deflate"));
        int max = data.consumeInt(1, 1 << 16);
        byte[] in = data.consumeRemainingAsBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            boolean whole = deflate.inflate(in, in.length, out, max);
            // Over the limit it stops one byte past it: enough to know, never more.
            assertThat(out.size()).isLessThanOrEqualTo(whole ? max : max + 1);
        } catch (DataFormatException refused) {
            assertThat(out.size()).isLessThanOrEqualTo(max + 1);
        } finally {
            deflate.close();
        }
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
