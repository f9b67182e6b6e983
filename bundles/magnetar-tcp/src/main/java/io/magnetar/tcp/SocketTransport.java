package io.magnetar.tcp;

import io.magnetar.api.BaseProtocol;
import io.magnetar.api.Transport;
import io.magnetar.loop.ChannelHandler;
import io.magnetar.loop.SelectorEventLoop;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.RejectedExecutionException;

/**
 * The part of a socket transport that does not depend on streams or datagrams: the loop, the
 * selection key, extra info, and the single path that ends the transport (asyncio's
 * {@code _force_close}): {@link #forceClose(Throwable)} closes the channel and schedules
 * {@code connectionLost} exactly once.
 *
 * <p>Confined to its event loop, except {@link #close()}, {@link #abort()}, {@link #isClosing()},
 * {@link #extraInfo(String)} and {@link #loop()}, which are thread-safe.
 */
public abstract class SocketTransport implements Transport, ChannelHandler {

    private static final System.Logger LOG = System.getLogger(SocketTransport.class.getName());

    protected final SelectorEventLoop loop;
    protected final SelectableChannel channel;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    protected SelectionKey key;
    private int interestOps;
    /** Set by close/abort/loss; volatile because {@link #isClosing()} is read from any thread. */
    protected volatile boolean closing;
    /** The protocol was told (or is about to be told) that the connection is over. */
    private boolean lost;

    private boolean channelClosed;

    protected SocketTransport(
            SelectorEventLoop loop,
            SelectableChannel channel,
            SocketAddress localAddress,
            SocketAddress remoteAddress) {
        this.loop = loop;
        this.channel = channel;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    /** The protocol that hears this transport's events. */
    protected abstract BaseProtocol<?> protocol();

    @Override
    public final SelectorEventLoop loop() {
        return loop;
    }

    @Override
    public Object extraInfo(String key) {
        switch (key) {
            case PEERNAME:
                return remoteAddress;
            case SOCKNAME:
                return localAddress;
            case SOCKET:
                return channel;
            default:
                return null;
        }
    }

    @Override
    public final boolean isClosing() {
        return closing;
    }

    @Override
    public final void abort() {
        if (loop.inEventLoop()) {
            forceClose(null);
        } else {
            executeOnLoop(() -> forceClose(null));
        }
    }

    /**
     * Hands an off-loop call to the loop. A loop that refuses it has been closed, and a closing loop
     * aborts every channel it owns (so {@code connectionLost} comes anyway): the call is dropped like
     * any call on a closed transport instead of throwing into the caller.
     */
    protected final void executeOnLoop(Runnable call) {
        try {
            loop.execute(call);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "call on " + this + " dropped: its loop is closed");
        }
    }

    /** Registers with the loop (or adopts {@code existing}, a key made while connecting). */
    protected final void register(SelectionKey existing, int ops) throws IOException {
        assert loop.inEventLoop();
        interestOps = ops;
        if (existing != null) {
            key = existing;
            key.attach(this);
            key.interestOps(ops);
        } else {
            key = loop.register(channel, ops, this);
        }
    }

    /** Adds or removes interest in {@code op}; touches the key only on a change. */
    protected final void setInterest(int op, boolean on) {
        int next = on ? interestOps | op : interestOps & ~op;
        if (next != interestOps && key != null && key.isValid()) {
            interestOps = next;
            key.interestOps(next);
        }
    }

    protected final boolean hasInterest(int op) {
        return (interestOps & op) != 0;
    }

    /** The loop ends or the handler threw: end the transport with {@code cause}. */
    @Override
    public void abort(Throwable cause) {
        if (cause != null) {
            fatalError(cause, "unexpected error");
        } else {
            forceClose(null);
        }
    }

    /** Logs why the connection dies, then ends it (asyncio's {@code _fatal_error}). */
    protected final void fatalError(Throwable cause, String what) {
        if (!lost) {
            if (cause instanceof IOException) {
                // The peer's doing (a reset, a timeout): DEBUG and no trace, so no client controls the log.
                LOG.log(Level.DEBUG, "closing " + this + ": " + what + ": " + cause);
            } else {
                LOG.log(Level.WARNING, "closing " + this + ": " + what + ": " + cause, cause);
            }
        }
        forceClose(cause);
    }

    /**
     * Ends the transport now: drops buffered data, closes the channel and schedules
     * {@code connectionLost(cause)} on the loop unless {@link #detachProtocol} did already.
     * Idempotent; loop thread only.
     */
    protected void forceClose(Throwable cause) {
        assert loop.inEventLoop();
        if (channelClosed) {
            return;
        }
        channelClosed = true;
        boolean tellProtocol = !lost;
        lost = true;
        closing = true;
        if (tellProtocol) {
            onForceClose();
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "error closing " + this, e);
        }
        if (tellProtocol) {
            scheduleConnectionLost(cause);
        }
    }

    /**
     * Ends the connection for the protocol ({@code connectionLost(null)} is scheduled, once) while the
     * channel stays open until {@link #forceClose}: a lingering close that still reads, to drop what the
     * peer sends after our FIN instead of answering it with a reset. Loop thread only.
     */
    protected final void detachProtocol() {
        assert loop.inEventLoop();
        if (lost) {
            return;
        }
        lost = true;
        closing = true;
        onForceClose();
        scheduleConnectionLost(null);
    }

    private void scheduleConnectionLost(Throwable cause) {
        // Scheduled, not called: the caller may be inside a protocol callback (asyncio does the same).
        try {
            loop.execute(() -> callConnectionLost(cause));
        } catch (RejectedExecutionException e) {
            // The loop's last shutdown pass: nothing runs after it, so tell the protocol now.
            callConnectionLost(cause);
        }
    }

    /** Subclass hook run once by {@link #forceClose} before the channel closes: drop buffers. */
    protected void onForceClose() {}

    private void callConnectionLost(Throwable cause) {
        try {
            protocol().connectionLost(cause);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "connectionLost of " + this + " threw", t);
        }
    }

    /** True once the protocol was told the connection is over ({@link #forceClose} or {@link #detachProtocol}). */
    protected final boolean isLost() {
        return lost;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + localAddress + " <-> " + remoteAddress + "]";
    }
}
