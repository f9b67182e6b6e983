package io.magnetar.udp;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import io.magnetar.loop.ChannelHandler;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.udp.internal.DatagramQueue;
import io.magnetar.udp.internal.DatagramSockets;
import io.magnetar.udp.internal.Memberships;
import io.magnetar.udp.internal.WaterMarks;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.RejectedExecutionException;

/**
 * A non-blocking {@link DatagramChannel} as a {@link DatagramTransport}, bound and optionally connected.
 * Every way of ending it goes through one path (asyncio's {@code _force_close}): the channel closes,
 * the port is released, then {@code connectionLost} is called exactly once.
 *
 * <p>Confined to its event loop, except {@link #sendTo}, {@link #close()}, {@link #abort()},
 * {@link #isClosing()}, {@link #isConnected()}, {@link #extraInfo}, the counters and the multicast
 * membership methods, which are thread-safe (off-loop sends and closes are handed to the loop in call
 * order, and dropped once the loop is closed, which has aborted the transport).
 */
public final class DatagramSocketTransport implements DatagramTransport, ChannelHandler {

    private static final System.Logger LOG = System.getLogger(DatagramSocketTransport.class.getName());
    /** Datagrams read per readiness event before other channels get their turn. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final SelectorEventLoop loop;
    private final DatagramChannel channel;
    private final DatagramProtocol protocol;
    private final InetSocketAddress localAddress;
    /** The connected peer, or {@code null}; fixed at construction so any thread may read it. */
    private final InetSocketAddress peer;

    private final DatagramQueue.Sender sender;
    private final DatagramQueue queue = new DatagramQueue();
    private final WaterMarks marks = new WaterMarks(DEFAULT_HIGH_WATER);
    private final Memberships memberships;
    private SelectionKey key;
    private int interestOps;
    private boolean lost;
    /** Set by close/abort/loss; volatile because {@link #isClosing()} is read from any thread. */
    private volatile boolean closing;
    // Written by the loop only, read by any thread (info, tests).
    private volatile long datagramsSent;
    private volatile long datagramsReceived;

    /** Wraps a bound, non-blocking {@code channel} (connected or not); call {@link #start()} on {@code loop}. */
    public DatagramSocketTransport(SelectorEventLoop loop, DatagramChannel channel, DatagramProtocol protocol)
            throws IOException {
        this(loop, channel, protocol, null);
    }

    /** As the public constructor, with the socket's send call replaceable (tests force a full socket). */
    DatagramSocketTransport(
            SelectorEventLoop loop, DatagramChannel channel, DatagramProtocol protocol, DatagramQueue.Sender sender)
            throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.peer = (InetSocketAddress) channel.getRemoteAddress();
        this.sender = sender != null ? sender : (data, target) -> DatagramSockets.send(channel, data, target);
        this.memberships = new Memberships(channel);
    }

    /**
     * Registers for reading and calls {@code connectionMade}. Loop thread only.
     *
     * @return true when the protocol took the transport (even if it closed it again at once); false
     *     when registering failed or {@code connectionMade} threw: the transport has ended itself
     */
    public boolean start() {
        assert loop.inEventLoop();
        try {
            interestOps = SelectionKey.OP_READ;
            key = loop.register(channel, interestOps, this);
        } catch (IOException | RuntimeException e) {
            fatalError(e, "cannot register with " + loop);
            return false;
        }
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            fatalError(t, "connectionMade threw");
            return false;
        }
        return true; // even when connectionMade closed it again: the protocol took the transport
    }

    @Override
    public SelectorEventLoop loop() {
        return loop;
    }

    @Override
    public Object extraInfo(String name) {
        return switch (name) {
            case PEERNAME -> peer;
            case SOCKNAME -> localAddress;
            case SOCKET -> channel;
            default -> null;
        };
    }

    @Override
    public boolean isConnected() {
        return peer != null;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closing) {
            read();
        }
    }

    // Only the loop thread writes the counters; volatile is for the readers on other threads.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void read() {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < MAX_READS_PER_EVENT && !closing; i++) {
            buf.clear();
            SocketAddress from;
            try {
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                fatalError(e, "receive on a closed channel");
                return;
            } catch (IOException e) {
                // A pending socket error, typically ICMP port unreachable on a connected socket: reading
                // it clears it, and the socket goes on working (asyncio's error_received).
                errorReceived(e);
                continue;
            }
            if (from == null) {
                return;
            }
            buf.flip();
            datagramsReceived++;
            try {
                protocol.datagramReceived(buf, from);
            } catch (Throwable t) {
                fatalError(t, "datagramReceived threw");
                return;
            }
        }
    }

    @Override
    public void sendTo(ByteBuffer data, SocketAddress address) {
        SocketAddress target = DatagramSockets.target(peer, address, this);
        if (!loop.inEventLoop()) {
            executeOnLoop(() -> send(data, target));
            return;
        }
        send(data, target);
    }

    // Only the loop thread writes the counters; volatile is for the readers on other threads.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void send(ByteBuffer data, SocketAddress target) {
        assert loop.inEventLoop();
        if (closing) {
            return;
        }
        if (queue.isEmpty()) {
            try {
                if (sender.send(data, target)) {
                    datagramsSent++;
                    return;
                }
            } catch (IOException | RuntimeException e) {
                sendFailed(e, data);
                return;
            }
            setInterest(SelectionKey.OP_WRITE, true);
        }
        queue.add(data, target);
        maybePauseProtocol();
    }

    // Only the loop thread writes the counters; volatile is for the readers on other threads.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void flush() {
        datagramsSent += queue.flush(sender, this::sendFailed);
        if (lost) {
            return;
        }
        if (!queue.isEmpty()) {
            maybeResumeProtocol();
            return;
        }
        setInterest(SelectionKey.OP_WRITE, false);
        if (closing) {
            forceClose(null);
            return;
        }
        maybeResumeProtocol();
    }

    /** The datagram is dropped; the socket goes on unless it is closed. */
    private void sendFailed(Exception e, ByteBuffer data) {
        if (lost) {
            return;
        }
        if (e instanceof ClosedChannelException) {
            fatalError(e, "send on a closed channel");
            return;
        }
        errorReceived(e);
    }

    private void errorReceived(Exception e) {
        callProtocol(() -> protocol.errorReceived(e), "errorReceived");
    }

    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            executeOnLoop(this::close);
            return;
        }
        if (closing) {
            return;
        }
        closing = true;
        setInterest(SelectionKey.OP_READ, false);
        if (queue.isEmpty()) {
            forceClose(null);
        }
    }

    @Override
    public void abort() {
        if (loop.inEventLoop()) {
            forceClose(null);
        } else {
            executeOnLoop(() -> forceClose(null));
        }
    }

    /** The loop shuts down ({@code cause == null}) or {@link #ready} threw. */
    @Override
    public void abort(Throwable cause) {
        if (cause != null) {
            fatalError(cause, "unexpected error");
        } else {
            forceClose(null);
        }
    }

    private void fatalError(Throwable cause, String what) {
        if (!lost) {
            if (cause instanceof IOException) {
                LOG.log(Level.DEBUG, "closing " + this + ": " + what + ": " + cause); // the network's doing
            } else {
                LOG.log(Level.WARNING, "closing " + this + ": " + what + ": " + cause, cause);
            }
        }
        forceClose(cause);
    }

    /** The one path that ends the transport: drop the queue, close the socket, connectionLost once. */
    private void forceClose(Throwable cause) {
        assert loop.inEventLoop();
        if (lost) {
            return;
        }
        lost = true;
        closing = true;
        queue.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "error closing " + this, e);
        }
        try {
            // Scheduled, not called: the caller may be inside a protocol callback (asyncio does the same).
            // The purge first lets the selector release the port before the protocol hears of the loss.
            loop.execute(() -> {
                if (!loop.isClosed()) {
                    loop.purgeCancelledKeys();
                }
                callConnectionLost(cause);
            });
        } catch (RejectedExecutionException e) {
            callConnectionLost(cause); // the loop's final shutdown pass: we are on it, call now
        }
    }

    private void callConnectionLost(Throwable cause) {
        try {
            protocol.connectionLost(cause);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "connectionLost of " + this + " threw", t);
        }
    }

    private void executeOnLoop(Runnable call) {
        try {
            loop.execute(call);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "call on " + this + " dropped: its loop is closed");
        }
    }

    private void setInterest(int op, boolean on) {
        int next = on ? interestOps | op : interestOps & ~op;
        if (next != interestOps && key != null && key.isValid()) {
            interestOps = next;
            key.interestOps(next);
        }
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        assert loop.inEventLoop();
        marks.set(high, low, DEFAULT_HIGH_WATER);
        maybePauseProtocol();
        maybeResumeProtocol();
    }

    @Override
    public long writeBufferSize() {
        return queue.size();
    }

    @Override
    public int writeBufferHighWater() {
        return marks.high();
    }

    @Override
    public int writeBufferLowWater() {
        return marks.low();
    }

    private void maybePauseProtocol() {
        if (marks.pauseDue(queue.size())) {
            callProtocol(protocol::pauseWriting, "pauseWriting");
        }
    }

    private void maybeResumeProtocol() {
        if (!lost && marks.resumeDue(queue.size())) {
            callProtocol(protocol::resumeWriting, "resumeWriting");
        }
    }

    /** A protocol callback that throws ends the transport, as asyncio's {@code _fatal_error} does. */
    private void callProtocol(Runnable callback, String name) {
        try {
            callback.run();
        } catch (Throwable t) {
            fatalError(t, name + " threw");
        }
    }

    /**
     * Joins multicast {@code group} on {@code nif} and makes {@code nif} the interface this socket sends
     * multicast through; joining twice is a no-op. Thread-safe.
     */
    public void joinGroup(InetAddress group, NetworkInterface nif) throws IOException {
        memberships.join(group, nif);
    }

    /** Leaves {@code group} on {@code nif}; false when not a member. Thread-safe. */
    public boolean leaveGroup(InetAddress group, NetworkInterface nif) {
        return memberships.leave(group, nif);
    }

    /** Datagrams handed to the socket. Thread-safe. */
    public long datagramsSent() {
        return datagramsSent;
    }

    /** Datagrams received and passed to the protocol. Thread-safe. */
    public long datagramsReceived() {
        return datagramsReceived;
    }

    @Override
    public String toString() {
        return "DatagramSocketTransport[" + localAddress + (peer != null ? " <-> " + peer : "") + "]";
    }
}
