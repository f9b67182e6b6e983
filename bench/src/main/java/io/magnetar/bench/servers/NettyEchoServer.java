package io.magnetar.bench.servers;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

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
        NettyServers.serve(new Args(argv), new Echo());
    }
}
