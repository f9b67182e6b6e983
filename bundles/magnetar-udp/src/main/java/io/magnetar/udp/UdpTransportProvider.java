package io.magnetar.udp;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoop;
import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.udp.internal.DatagramSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Binds and connects UDP sockets on the loops of an {@link EventLoopGroup} of {@link SelectorEventLoop}s
 * (asyncio's {@code create_datagram_endpoint}); streams are not its kind, so {@link #listen} and
 * {@link #connect} fail with {@link UnsupportedOperationException}.
 *
 * <p>Options beyond {@link Endpoint}'s own come from {@link Endpoint#properties()}:
 * {@value #RECEIVE_BUFFER_SIZE} and {@value #SEND_BUFFER_SIZE} (bytes, {@code SO_RCVBUF}/{@code SO_SNDBUF}),
 * {@value #BROADCAST} ({@code true} allows sending to broadcast addresses), {@value #MULTICAST_GROUP} (a
 * group to join once bound; bind the wildcard address or the group to receive its datagrams) and
 * {@value #MULTICAST_INTERFACE} (the interface to join on, by name or address; defaults to the interface
 * of a specific bind address).
 *
 * <p>Thread-safe.
 */
public final class UdpTransportProvider implements TransportProvider {

    /** The value of {@link TransportProvider#TRANSPORT} for this provider. */
    public static final String NAME = "udp";

    public static final String RECEIVE_BUFFER_SIZE = "receiveBufferSize";
    public static final String SEND_BUFFER_SIZE = "sendBufferSize";
    public static final String BROADCAST = "broadcast";
    public static final String MULTICAST_GROUP = "multicastGroup";
    public static final String MULTICAST_INTERFACE = "multicastInterface";

    private final EventLoopGroup group;

    public UdpTransportProvider(EventLoopGroup group) {
        this.group = group;
        for (EventLoop l : group.loops()) {
            selectorLoop(l);
        }
    }

    /** The group whose loops own this provider's sockets. */
    public EventLoopGroup group() {
        return group;
    }

    @Override
    public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("udp does not do streams"));
    }

    @Override
    public CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("udp does not do streams"));
    }

    @Override
    public CompletableFuture<DatagramTransport> bindDatagram(Endpoint local, DatagramProtocol protocol) {
        return open(local, null, protocol);
    }

    @Override
    public CompletableFuture<DatagramTransport> connectDatagram(
            InetSocketAddress remote, Endpoint local, DatagramProtocol protocol) {
        return open(local, remote, protocol);
    }

    private CompletableFuture<DatagramTransport> open(
            Endpoint local, InetSocketAddress remote, DatagramProtocol protocol) {
        DatagramChannel channel = null;
        try {
            channel = DatagramSockets.open(local, remote, RECEIVE_BUFFER_SIZE, SEND_BUFFER_SIZE, BROADCAST);
            SelectorEventLoop loop = selectorLoop(group.next());
            DatagramSocketTransport transport = new DatagramSocketTransport(loop, channel, protocol);
            if (local != null) {
                joinConfiguredGroup(transport, local, (InetSocketAddress) channel.getLocalAddress());
            }
            return start(loop, transport, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            String where = local != null ? "bind " + local.host() + ":" + local.port() : "open a socket";
            return CompletableFuture.failedFuture(new IOException(
                    "cannot " + where + (remote != null ? " for " + remote : "") + ": " + e.getMessage(), e));
        }
    }

    private static void joinConfiguredGroup(DatagramSocketTransport transport, Endpoint local, InetSocketAddress bound)
            throws IOException {
        String group = local.property(MULTICAST_GROUP, "").trim();
        if (group.isEmpty()) {
            return;
        }
        InetAddress address = DatagramSockets.address(group);
        if (!address.isMulticastAddress()) {
            throw new IOException(MULTICAST_GROUP + " " + group + " is not a multicast address");
        }
        NetworkInterface nif = DatagramSockets.multicastInterface(local.property(MULTICAST_INTERFACE, ""), bound);
        transport.joinGroup(address, nif);
    }

    private static CompletableFuture<DatagramTransport> start(
            SelectorEventLoop loop, DatagramSocketTransport transport, DatagramChannel channel) {
        CompletableFuture<DatagramTransport> started = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                if (transport.start()) {
                    started.complete(transport);
                } else {
                    // start() ended the transport, which reports the cause through connectionLost too.
                    started.completeExceptionally(new IOException(transport + " failed to start"));
                }
            });
        } catch (RuntimeException e) {
            closeQuietly(channel);
            started.completeExceptionally(e);
        }
        return started;
    }

    /** The loop as a {@link SelectorEventLoop}, or a clear error naming what was given instead. */
    static SelectorEventLoop selectorLoop(EventLoop loop) {
        if (loop instanceof SelectorEventLoop s) {
            return s;
        }
        throw new IllegalArgumentException("UDP transports need SelectorEventLoops, got " + loop);
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
