package io.magnetar.protocol.echo;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Datagram echo: sends every datagram back, unchanged, to the address it came from (no framing, no
 * {@code QUIT}: a datagram is a message). While the transport asks to pause writing, datagrams are
 * dropped instead of queued, as a router would: UDP may lose them, memory must not grow without bound.
 *
 * <p>Confined to its transport's event loop, except {@link #dropped()}, which is thread-safe.
 */
public final class DatagramEchoProtocol implements DatagramProtocol {

    private static final System.Logger LOG = System.getLogger(DatagramEchoProtocol.class.getName());

    private DatagramTransport transport;
    private boolean paused;
    private volatile long dropped;

    @Override
    public void connectionMade(DatagramTransport t) {
        this.transport = t;
    }

    // Only the loop thread writes dropped; volatile is for dropped() readers on other threads.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
        if (paused) {
            dropped++;
            return;
        }
        // The received buffer is the loop's and valid only during this call; the copy belongs to the
        // transport from now on.
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        transport.sendTo(copy, transport.isConnected() ? null : address);
    }

    @Override
    public void errorReceived(Exception error) {
        // Typically ICMP port unreachable: the client left before its echo arrived. Nobody to tell.
        LOG.log(Level.DEBUG, "echo socket {0}: {1}", transport, error.toString());
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (cause != null) {
            LOG.log(Level.WARNING, "echo socket " + transport + " ended", cause);
        }
    }

    /** Datagrams not echoed because the transport's send queue was over its high-water mark. */
    public long dropped() {
        return dropped;
    }
}
