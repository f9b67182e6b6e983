package io.magnetar.bench.jmh;

import io.magnetar.api.Protocol;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.resp.RespServer;
import io.magnetar.protocol.resp.RespStore;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server protocols' hot path without a socket: one read holding 16 pipelined requests goes
 * through parse, dispatch and response encoding into an in-memory transport. Per request
 * (ops/invocation = 16); with {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per request. A
 * {@code post_request} listener counts exchanges, as a {@code TcpServer} does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolPathBenchmark {

    private static final int DEPTH = 16;

    @Param({"echo-64B", "http-plaintext", "resp-ping", "resp-set", "resp-get"})
    String request;

    private Protocol protocol;
    private FakeTransport transport;
    private ByteBuffer read;
    private long served;

    @Setup
    public void setUp() {
        String one;
        switch (request) {
            case "echo-64B" -> {
                protocol = EchoServerConsumer.newConnection();
                one = "x".repeat(60) + "\r\n\r\n";
            }
            case "http-plaintext" -> {
                protocol = HttpServerConsumer.newConnection();
                one = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n\r\n";
            }
            default -> {
                protocol = RespServer.newConnection(new RespStore());
                one = switch (request) {
                    case "resp-ping" -> "*1\r\n$4\r\nPING\r\n";
                    case "resp-set" -> "*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$3\r\nxxx\r\n";
                    default -> "*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n";
                };
            }
        }
        // As under a TcpServer, which counts every exchange through the connection's post_request.
        ((Connection) protocol).onPostRequest(consumer -> served++);
        // Writes counted and dropped; the benchmark thread is the loop.
        transport = new FakeTransport(new ManualLoop(), protocol, false).connect();
        if (request.equals("resp-get")) {
            transport.receive(bytes("*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$3\r\nxxx\r\n"));
        }
        read = bytes(one.repeat(DEPTH));
    }

    private static ByteBuffer bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length);
        direct.put(b).flip();
        return direct;
    }

    @Benchmark
    @OperationsPerInvocation(DEPTH)
    public long sixteenPipelinedRequests() {
        read.clear();
        transport.receive(read);
        return transport.bytesWritten();
    }

    /** A protocol that closed its connection would leave the rest of the run measuring nothing. */
    @TearDown(Level.Iteration)
    public void stillConnected() {
        if (transport.isClosing()) {
            throw new IllegalStateException("the " + request + " protocol closed its connection");
        }
    }
}
