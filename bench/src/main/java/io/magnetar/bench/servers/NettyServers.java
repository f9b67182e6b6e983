package io.magnetar.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * How every Netty peer of the bench is started, so they differ only in their handlers: one boss thread,
 * {@code --threads} workers (1), {@code --transport nio|epoll}, backlog 1024, TCP_NODELAY, 127.0.0.1 on
 * {@code --port} (0); prints {@code READY <port>} and serves until killed.
 */
final class NettyServers {

    private NettyServers() {}

    static void serve(Args args, ChannelHandler childHandler) throws InterruptedException {
        boolean epoll = args.get("transport", "nio").equals("epoll");
        int threads = args.getInt("threads", 1);
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Channel bound = new ServerBootstrap()
                .group(boss, workers)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(childHandler)
                .bind("127.0.0.1", args.getInt("port", 0))
                .sync()
                .channel();
        System.out.println("READY " + ((InetSocketAddress) bound.localAddress()).getPort());
        bound.closeFuture().sync();
    }
}
