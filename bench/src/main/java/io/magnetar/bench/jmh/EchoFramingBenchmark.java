package io.magnetar.bench.jmh;

import io.magnetar.protocol.echo.EchoFraming;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Echo framing: one read holding 16 pipelined messages, split into messages. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EchoFramingBenchmark {

    @Param({"64", "1024"})
    int size;

    private ByteBuffer read;
    private EchoFraming framing;

    @Setup
    public void setUp() {
        byte[] message = ("x".repeat(size - 4) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        read = ByteBuffer.allocateDirect(message.length * 16);
        for (int i = 0; i < 16; i++) {
            read.put(message);
        }
        framing = new EchoFraming(EchoFraming.DEFAULT_MAX_MESSAGE);
    }

    @Benchmark
    public int sixteenMessagesFromOneRead() {
        read.clear();
        int bytes = 0;
        ByteBuffer m;
        while ((m = framing.feed(read)) != null) {
            bytes += m.remaining();
        }
        return bytes;
    }
}
