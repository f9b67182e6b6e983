package io.magnetar.tcp.internal;

import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.loop.ChannelHandler;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.SocketStreamTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A listening socket registered on one loop; each accepted socket goes to the next loop of the group
 * with a fresh protocol. Thread-safe ({@link #close()} hands itself to the loop).
 */
public final class TcpListener implements Server, ChannelHandler {

    private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());
    /** Accepts per readiness event, so a connect storm does not starve the acceptor's other channels. */
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    /** Accepts on close at most: clients that connect faster than we accept must not keep the port open. */
    private static final int MAX_ACCEPTS_AT_CLOSE = 4096;

    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final SelectorEventLoop loop;
    private final EventLoopGroup group;
    private final ServerSocketChannel channel;
    private final ProtocolFactory factory;
    private final InetSocketAddress localAddress;
    private final boolean tcpNoDelay;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean serving = true;
    /** Loop-confined: accepting is paused, the port stays bound and the backlog fills. */
    private boolean paused;

    private SelectionKey key;
    /** While accept fails (EMFILE: no descriptor left), accepting rests this long, doubling to 1 s; 0 when fine. */
    private long backoffMillis;
    /** Accept failures not yet reported: one log line per {@link #REPORT_EVERY_NANOS} at most. */
    private long unreportedFailures;

    private long lastReport = System.nanoTime() - REPORT_EVERY_NANOS;

    public TcpListener(EventLoopGroup group, ServerSocketChannel channel, ProtocolFactory factory, boolean tcpNoDelay)
            throws IOException {
        this.group = group;
        this.loop = Loops.selectorLoop(group.next());
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
                key = loop.register(channel, paused ? 0 : SelectionKey.OP_ACCEPT, this);
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
        if (!paused) {
            accept(MAX_ACCEPTS_PER_EVENT, null);
        }
    }

    /**
     * Accepts and hands off up to {@code max} connections, while serving or, when {@code closing} is
     * given, regardless; adds to {@code closing} the other loops the connections went to.
     */
    private void accept(int max, Set<SelectorEventLoop> closing) {
        for (int i = 0; i < max && (serving || closing != null); i++) {
            SocketChannel socket;
            try {
                socket = channel.accept();
            } catch (IOException e) {
                if (closing != null) {
                    LOG.log(Level.DEBUG, "accept failed on " + localAddress + " while closing: " + e);
                } else {
                    backOff(e);
                }
                return;
            }
            if (socket == null) {
                return;
            }
            backoffMillis = 0;
            SelectorEventLoop target = handOff(socket);
            if (closing != null && target != null && target != loop) {
                closing.add(target);
            }
        }
    }

    /**
     * Accept failed (EMFILE, ENFILE, ENOBUFS): the pending connection is still there, so the next select
     * would fail the same way at once, spinning a core. Rest instead, clients waiting in the backlog, and
     * say so at most once per 10 s with how many failures there were.
     */
    private void backOff(IOException e) {
        unreportedFailures++;
        backoffMillis = backoffMillis == 0 ? 50 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        long now = System.nanoTime();
        if (now - lastReport >= REPORT_EVERY_NANOS) {
            try {
                LOG.log(
                        Level.WARNING,
                        "accept failed on " + localAddress + ": " + e.getMessage() + " (" + unreportedFailures
                                + " time(s) since the last report); resting " + backoffMillis
                                + " ms, up to 1 s, between tries while it fails; clients wait in the backlog");
            } catch (Throwable loggingFailed) {
                // Out of descriptors, a logger's first use can fail too (its time zone data is a file):
                // that must not close the listener, which resting is meant to keep.
            }
            lastReport = now;
            unreportedFailures = 0;
        }
        if (key != null && key.isValid()) {
            key.interestOps(0);
        }
        loop.callLater(Duration.ofMillis(backoffMillis), () -> {
            if (serving && !paused && key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /** Starts {@code socket} on the next loop; returns that loop, or null when the socket was closed. */
    private SelectorEventLoop handOff(SocketChannel socket) {
        SelectorEventLoop target;
        try {
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
            target = Loops.selectorLoop(group.next());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot set up accepted socket on " + localAddress + ": " + e);
            closeQuietly(socket);
            return null;
        }
        Runnable start = () -> {
            Protocol protocol;
            SocketStreamTransport transport;
            try {
                protocol = factory.newProtocol();
                transport = new SocketStreamTransport(target, socket, protocol);
            } catch (Throwable t) {
                LOG.log(
                        Level.WARNING,
                        "protocol factory failed for a connection to " + localAddress + "; connection closed",
                        t);
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
                return null;
            }
        }
        return target;
    }

    @Override
    public void pauseAccepting() {
        setPaused(true);
    }

    @Override
    public void resumeAccepting() {
        setPaused(false);
    }

    private void setPaused(boolean pause) {
        try {
            loop.execute(() -> {
                paused = pause;
                if (key != null && key.isValid()) {
                    key.interestOps(pause ? 0 : SelectionKey.OP_ACCEPT);
                }
            });
        } catch (RuntimeException closedLoop) {
            // a closed loop has closed the listener
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

    /**
     * Stops accepting and releases the port. Connections the kernel has already completed are accepted
     * and handed to the protocol factory first: closing a listener resets every connection still in its
     * backlog, although those clients believe they are connected and may have sent a request. Completes
     * once their protocols have seen {@code connectionMade}, so that a server draining its connections
     * after this sees them too.
     */
    @Override
    public CompletableFuture<Void> close() {
        serving = false;
        try {
            // Always as a task, never inside a select: purging keys is a select of its own.
            loop.execute(this::closeAfterBacklog);
        } catch (RuntimeException e) {
            closeChannel();
            closed.complete(null);
        }
        return closed;
    }

    // The callback completes closed on either outcome, and the started futures never fail.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void closeAfterBacklog() {
        if (!channel.isOpen()) {
            doClose();
            return;
        }
        Set<SelectorEventLoop> targets = new HashSet<>();
        accept(MAX_ACCEPTS_AT_CLOSE, targets);
        releasePort();
        // A loop runs its tasks in order: once a task queued after the hand-offs ran, so did they.
        CompletableFuture<?>[] started =
                targets.stream().map(TcpListener::afterQueuedTasks).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(started).whenComplete((v, e) -> closed.complete(null));
    }

    private static CompletableFuture<Void> afterQueuedTasks(SelectorEventLoop target) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        try {
            target.execute(() -> ran.complete(null));
        } catch (RuntimeException closedLoop) {
            ran.complete(null); // a closed loop has aborted what it was handed
        }
        return ran;
    }

    private void doClose() {
        releasePort();
        closed.complete(null);
    }

    private void releasePort() {
        serving = false;
        if (key != null) {
            key.cancel();
        }
        closeChannel();
        if (!loop.isClosed()) {
            loop.purgeCancelledKeys();
        }
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
