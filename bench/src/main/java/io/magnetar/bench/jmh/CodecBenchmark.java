package io.magnetar.bench.jmh;

import io.magnetar.protocols.codec.FrameSink;
import io.magnetar.protocols.codec.LengthFieldDecoder;
import io.magnetar.protocols.codec.LineDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Framing decoders, Magnetar's against Netty's, on the same bytes: one read holding 16 frames of 64 B
 * (lines, or 2-byte length prefixes), per read. Netty's decoders are called as its pipeline calls them
 * (their {@code decode} method) and each frame is released as a handler would; Magnetar's hand over
 * frames in place. Divide by 16 for the cost per frame; {@code -prof gc} shows the bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** Exposes the decode step of Netty's decoders. */
    static final class NettyLines extends LineBasedFrameDecoder {
        NettyLines() {
            super(1024, true, false);
        }

        Object next(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            return decode(ctx, in);
        }
    }

    static final class NettyLengths extends LengthFieldBasedFrameDecoder {
        NettyLengths() {
            super(1024, 0, 2, 0, 2);
        }

        Object next(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            return decode(ctx, in);
        }
    }

    private ByteBuffer lines;
    private ByteBuffer lengths;
    private ByteBuf nettyLineBytes;
    private ByteBuf nettyLengthBytes;
    private final LineDecoder lineDecoder = new LineDecoder(1024, true);
    private final LengthFieldDecoder lengthDecoder = LengthFieldDecoder.prefix(1024, 2);
    private final NettyLines nettyLines = new NettyLines();
    private final NettyLengths nettyLengths = new NettyLengths();
    private long total;
    private final FrameSink sink = f -> total += f.remaining();

    @Setup
    public void setUp() {
        byte[] line = new byte[64];
        Arrays.fill(line, (byte) 'x');
        line[63] = '\n';
        byte[] framed = new byte[64];
        Arrays.fill(framed, (byte) 'y');
        framed[0] = 0;
        framed[1] = 62;
        lines = ByteBuffer.allocateDirect(64 * 16);
        lengths = ByteBuffer.allocateDirect(64 * 16);
        nettyLineBytes = Unpooled.directBuffer(64 * 16);
        nettyLengthBytes = Unpooled.directBuffer(64 * 16);
        for (int i = 0; i < 16; i++) {
            lines.put(line);
            lengths.put(framed);
            nettyLineBytes.writeBytes(line);
            nettyLengthBytes.writeBytes(framed);
        }
    }

    @Benchmark
    public long magnetarLines() {
        lines.clear();
        lineDecoder.decode(lines, sink);
        return total;
    }

    /** One of Netty's decode steps. */
    @FunctionalInterface
    interface NettyStep {
        Object next(ChannelHandlerContext ctx, ByteBuf in) throws Exception;
    }

    /** Decodes every frame of {@code read} as Netty's pipeline would, releasing each as a handler does. */
    private static long drain(NettyStep decoder, ByteBuf read) throws Exception {
        read.readerIndex(0);
        long n = 0;
        Object frame;
        while ((frame = decoder.next(null, read)) != null) {
            ByteBuf b = (ByteBuf) frame;
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    @Benchmark
    public long nettyLines() throws Exception {
        return drain(nettyLines::next, nettyLineBytes);
    }

    @Benchmark
    public long magnetarLengthField() {
        lengths.clear();
        lengthDecoder.decode(lengths, sink);
        return total;
    }

    @Benchmark
    public long nettyLengthField() throws Exception {
        return drain(nettyLengths::next, nettyLengthBytes);
    }
}
