package io.magnetar.bench.jmh;

import io.magnetar.api.Endpoint;
import io.magnetar.bench.servers.RawEcho;
import io.magnetar.clients.Pool;
import io.magnetar.clients.PoolConnection;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoClientConsumer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Pool acquire + release under 8 threads: Magnetar's {@link Pool} against Netty's
 * {@code FixedChannelPool}, both holding real loopback TCP connections to the same echo server, in
 * the same run. No I/O happens per operation: this measures the pools.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class PoolBenchmark {

    @Param({"magnetar", "netty"})
    String pool;

    @Param({"8", "2"})
    int size;

    private SelectorEventLoopGroup loops;
    private TcpServer server;
    private Pool magnetar;
    private NioEventLoopGroup nettyGroup;
    private FixedChannelPool netty;

    @Setup(Level.Trial)
    public void start() {
        loops = new SelectorEventLoopGroup(1, "bench-loop");
        TcpTransportProvider tcp = new TcpTransportProvider(loops);
        server = TcpServer.builder(tcp, RawEcho::new)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        InetSocketAddress address = server.startServing().join().address();
        if (pool.equals("magnetar")) {
            magnetar = Pool.builder(() -> {
                        Connection c = EchoClientConsumer.newConnection();
                        return tcp.connect(address, Endpoint.builder().build(), c)
                                .thenApply(t -> c);
                    })
                    .poolSize(size)
                    .maxPending(10_000)
                    .build();
        } else {
            nettyGroup = new NioEventLoopGroup(1);
            Bootstrap bootstrap = new Bootstrap()
                    .group(nettyGroup)
                    .channel(NioSocketChannel.class)
                    .remoteAddress(address);
            netty = new FixedChannelPool(
                    bootstrap,
                    new AbstractChannelPoolHandler() {
                        @Override
                        public void channelCreated(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
                        }
                    },
                    size,
                    10_000);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        if (magnetar != null) {
            magnetar.close().get(10, TimeUnit.SECONDS);
        }
        if (netty != null) {
            netty.close();
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        server.close().get(10, TimeUnit.SECONDS);
        loops.close().get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public Object acquireAndRelease() throws Exception {
        if (magnetar != null) {
            CompletableFuture<PoolConnection> lease = magnetar.acquire();
            PoolConnection c = lease.get();
            c.close();
            return c;
        }
        Channel ch = netty.acquire().sync().getNow();
        netty.release(ch).sync();
        return ch;
    }
}
