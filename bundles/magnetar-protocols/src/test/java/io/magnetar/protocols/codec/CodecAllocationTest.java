package io.magnetar.protocols.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bytes allocated per 64-byte frame decoded, 16 frames per read, once warm: none. */
class CodecAllocationTest {

    private long total;
    private final FrameSink sink = f -> total += f.remaining();

    private long perFrame(FrameDecoder d, ByteBuffer wire) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        for (int i = 0; i < 20_000; i++) {
            wire.clear();
            d.decode(wire, sink);
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 20_000; i++) {
            wire.clear();
            d.decode(wire, sink);
        }
        return (mx.getThreadAllocatedBytes(id) - before) / (20_000L * 16);
    }

    @Test
    void lineAndLengthFieldDecodingAllocateNothingPerFrame() {
        byte[] line = new byte[64];
        Arrays.fill(line, (byte) 'x');
        line[63] = '\n';
        ByteBuffer lines = ByteBuffer.allocateDirect(64 * 16);
        byte[] framed = new byte[64];
        framed[1] = 62;
        ByteBuffer lengths = ByteBuffer.allocateDirect(64 * 16);
        for (int i = 0; i < 16; i++) {
            lines.put(line);
            lengths.put(framed);
        }
        long linePerFrame = perFrame(new LineDecoder(1024, true), lines);
        long lengthPerFrame = perFrame(LengthFieldDecoder.prefix(1024, 2), lengths);
        System.out.println("codec steady state: line " + linePerFrame + " B/frame, length field " + lengthPerFrame
                + " B/frame (64 B frames, 16 per read)");
        assertThat(total).isPositive();
        assertThat(linePerFrame).isLessThanOrEqualTo(1);
        assertThat(lengthPerFrame).isLessThanOrEqualTo(1);
    }
}
