package io.magnetar.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * The peer: Netty 4.1's echo server (write back what arrives, flush when the read batch completes).
 * {@code --port 0 --threads 1 --transport nio|epoll}; prints {@code READY <port>}.
 */
public final class NettyEchoServer {

    @ChannelHandler.Sharable
    public static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        boolean epoll = args.get("transport", "nio").equals("epoll");
        int threads = args.getInt("threads", 1);
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Echo echo = new Echo();
        var bound = new ServerBootstrap().group(boss, workers).channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind("127.0.0.1", args.getInt("port", 0)).sync().channel();
        System.out.println("READY " + ((InetSocketAddress) bound.localAddress()).getPort());
        bound.closeFuture().sync();
    }
}
