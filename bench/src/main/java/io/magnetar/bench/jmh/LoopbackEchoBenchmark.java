package io.magnetar.bench.jmh;

import io.magnetar.api.Endpoint;
import io.magnetar.bench.servers.NettyEchoServer;
import io.magnetar.bench.servers.RawEcho;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoFraming;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.tcp.TcpTransportProvider;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The echo hot path end to end (read → protocol → write) on loopback: one 64-byte round trip per
 * operation against Magnetar's and Netty's NIO echo in the same JVM and run. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the allocation per echoed message, client included.
 * {@code magnetar-framed} is Magnetar's echo protocol itself (60 bytes and the {@code \r\n\r\n}
 * separator, one {@code EchoServerConsumer} exchange per message, under a {@code TcpServer} that counts
 * requests) rather than the raw byte echo the peers run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoopbackEchoBenchmark {

    @Param({"magnetar", "magnetar-framed", "netty-nio"})
    String server;

    private SelectorEventLoopGroup loops;
    private TcpServer magnetar;
    private NioEventLoopGroup nettyGroup;
    private Channel netty;
    private Socket client;
    private OutputStream out;
    private DataInputStream in;
    private final byte[] message = new byte[64];
    private final byte[] reply = new byte[64];

    @Setup(Level.Trial)
    public void start() throws Exception {
        int port;
        if (server.startsWith("magnetar")) {
            loops = new SelectorEventLoopGroup(1, "bench-loop");
            boolean framed = server.equals("magnetar-framed");
            magnetar = TcpServer.builder(
                            new TcpTransportProvider(loops), framed ? EchoServerConsumer::newConnection : RawEcho::new)
                    .endpoint(Endpoint.of("127.0.0.1", 0))
                    .build();
            port = magnetar.startServing().join().address().getPort();
            if (framed) {
                java.util.Arrays.fill(message, (byte) 'x');
                System.arraycopy(EchoFraming.SEPARATOR, 0, message, message.length - 4, 4);
            }
        } else {
            nettyGroup = new NioEventLoopGroup(1);
            netty = new ServerBootstrap()
                    .group(nettyGroup)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new NettyEchoServer.Echo())
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            port = ((InetSocketAddress) netty.localAddress()).getPort();
        }
        client = new Socket("127.0.0.1", port);
        client.setTcpNoDelay(true);
        out = client.getOutputStream();
        in = new DataInputStream(client.getInputStream());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        client.close();
        if (magnetar != null) {
            magnetar.close().get(10, TimeUnit.SECONDS);
            loops.close().get(10, TimeUnit.SECONDS);
        }
        if (netty != null) {
            netty.close().sync();
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    public byte[] roundTrip64Bytes() throws Exception {
        out.write(message);
        in.readFully(reply);
        return reply;
    }
}
