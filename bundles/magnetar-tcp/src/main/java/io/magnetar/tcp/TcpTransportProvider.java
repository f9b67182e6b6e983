package io.magnetar.tcp;

import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoop;
import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.internal.TcpConnector;
import io.magnetar.tcp.internal.TcpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Listens and connects plain TCP on the loops of an {@link EventLoopGroup} of
 * {@link SelectorEventLoop}s.
 *
 * <p>Thread-safe.
 */
public final class TcpTransportProvider implements TransportProvider {

    /** The value of {@link TransportProvider#TRANSPORT} for this provider. */
    public static final String NAME = "tcp";

    private final EventLoopGroup group;

    public TcpTransportProvider(EventLoopGroup group) {
        this.group = group;
        for (EventLoop l : group.loops()) {
            selectorLoop(l);
        }
    }

    /** The group whose loops own this provider's connections. */
    public EventLoopGroup group() {
        return group;
    }

    @Override
    public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
        ServerSocketChannel channel = null;
        try {
            InetSocketAddress address = resolve(endpoint.host(), endpoint.port());
            channel = ServerSocketChannel.open(
                    address.getAddress() instanceof java.net.Inet6Address
                            ? StandardProtocolFamily.INET6
                            : StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, endpoint.reuseAddress());
            if (endpoint.reusePort()) {
                if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new IOException("SO_REUSEPORT is not supported on this platform");
                }
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address, endpoint.backlog());
            return new TcpListener(group, channel, factory, endpoint.tcpNoDelay()).start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            IOException error = new IOException(
                    "cannot listen on " + endpoint.host() + ":" + endpoint.port() + ": " + e.getMessage(), e);
            return CompletableFuture.failedFuture(error);
        }
    }

    @Override
    public CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
        SocketChannel socket = null;
        try {
            InetSocketAddress target =
                    address.isUnresolved() ? resolve(address.getHostString(), address.getPort()) : address;
            socket = SocketChannel.open();
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, endpoint.tcpNoDelay());
            SelectorEventLoop loop = selectorLoop(group.next());
            return new TcpConnector(loop, socket, target, endpoint.connectTimeout(), protocol).start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve host '" + host + "'");
        }
        return address;
    }

    /** The loop as a {@link SelectorEventLoop}, or a clear error naming what was given instead. */
    public static SelectorEventLoop selectorLoop(EventLoop loop) {
        return io.magnetar.tcp.internal.Loops.selectorLoop(loop);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
