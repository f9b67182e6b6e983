package io.magnetar.tcp.internal;

import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.loop.ChannelHandler;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.SocketStreamTransport;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A listening socket registered on one loop; each accepted socket goes to the next loop of the group
 * with a fresh protocol. Thread-safe ({@link #close()} hands itself to the loop).
 */
public final class TcpListener implements Server, ChannelHandler {

    private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());
    /** Accepts per readiness event, so a connect storm does not starve the acceptor's other channels. */
    private static final int MAX_ACCEPTS_PER_EVENT = 64;

    private final SelectorEventLoop loop;
    private final EventLoopGroup group;
    private final ServerSocketChannel channel;
    private final ProtocolFactory factory;
    private final InetSocketAddress localAddress;
    private final boolean tcpNoDelay;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean serving = true;
    private SelectionKey key;

    public TcpListener(EventLoopGroup group, ServerSocketChannel channel, ProtocolFactory factory,
                       boolean tcpNoDelay) throws IOException {
        this.group = group;
        this.loop = TcpTransportProvider.selectorLoop(group.next());
        this.channel = channel;
        this.factory = factory;
        this.tcpNoDelay = tcpNoDelay;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /** Registers for accepting; completes with this server once the loop accepts. */
    public CompletableFuture<Server> start() {
        CompletableFuture<Server> started = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
                started.complete(this);
            } catch (IOException | RuntimeException e) {
                closeChannel();
                started.completeExceptionally(e);
            }
        });
        return started;
    }

    @Override
    public void ready(int readyOps) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && serving; i++) {
            SocketChannel socket;
            try {
                socket = channel.accept();
            } catch (IOException e) {
                // EMFILE and friends: log and keep listening; the next event retries.
                LOG.log(Level.WARNING, "accept failed on " + localAddress + ": " + e);
                return;
            }
            if (socket == null) {
                return;
            }
            handOff(socket);
        }
    }

    private void handOff(SocketChannel socket) {
        SelectorEventLoop target;
        try {
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
            target = TcpTransportProvider.selectorLoop(group.next());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot set up accepted socket on " + localAddress + ": " + e);
            closeQuietly(socket);
            return;
        }
        Runnable start = () -> {
            Protocol protocol;
            SocketStreamTransport transport;
            try {
                protocol = factory.newProtocol();
                transport = new SocketStreamTransport(target, socket, protocol);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "protocol factory failed for a connection to " + localAddress
                        + "; connection closed", t);
                closeQuietly(socket);
                return;
            }
            transport.start(null);
        };
        if (target == loop) {
            start.run();
        } else {
            try {
                target.execute(start);
            } catch (RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (cause != null) {
            LOG.log(Level.WARNING, "listener on " + localAddress + " failed", cause);
        }
        doClose();
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public CompletableFuture<Void> close() {
        serving = false;
        try {
            // Always as a task, never inside a select: purging keys is a select of its own.
            loop.execute(this::doClose);
        } catch (RuntimeException e) {
            closeChannel();
            closed.complete(null);
        }
        return closed;
    }

    private void doClose() {
        serving = false;
        if (key != null) {
            key.cancel();
        }
        closeChannel();
        if (!loop.isClosed()) {
            loop.purgeCancelledKeys();
        }
        closed.complete(null);
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing listener " + localAddress, e);
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + "]";
    }
}
