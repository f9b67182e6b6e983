package io.magnetar.udp.internal;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Passes every callback to an inner protocol and remembers the transport, so that servers and clients
 * can count, limit and close what they made; {@link #lost()} completes after the inner
 * {@code connectionLost}.
 *
 * <p>Confined to its transport's event loop, except {@link #transport()}, {@link #lost()},
 * {@link #close()} and {@link #abort()}, which are thread-safe.
 */
public class ForwardingDatagramProtocol implements DatagramProtocol {

    private final DatagramProtocol inner;
    private final CompletableFuture<Void> lost = new CompletableFuture<>();
    private volatile DatagramTransport transport;

    public ForwardingDatagramProtocol(DatagramProtocol inner) {
        this.inner = Objects.requireNonNull(inner, "protocol");
    }

    public final DatagramProtocol inner() {
        return inner;
    }

    /** The transport once {@code connectionMade} came, else {@code null}. */
    public final DatagramTransport transport() {
        return transport;
    }

    /** Completes once the inner protocol heard {@code connectionLost}, or the transport was never made. */
    public final CompletableFuture<Void> lost() {
        return lost;
    }

    @Override
    public void connectionMade(DatagramTransport t) {
        transport = t;
        inner.connectionMade(t);
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
        inner.datagramReceived(data, address);
    }

    @Override
    public void errorReceived(Exception error) {
        inner.errorReceived(error);
    }

    @Override
    public void pauseWriting() {
        inner.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        inner.resumeWriting();
    }

    @Override
    public void connectionLost(Throwable cause) {
        try {
            inner.connectionLost(cause);
        } finally {
            lost.complete(null);
        }
    }

    /** Closes the transport after its queue drained; a transport never made counts as lost. */
    public final void close() {
        DatagramTransport t = transport;
        if (t != null) {
            t.close();
        } else {
            lost.complete(null);
        }
    }

    /** Closes the transport now; a transport never made counts as lost. */
    public final void abort() {
        DatagramTransport t = transport;
        if (t != null) {
            t.abort();
        } else {
            lost.complete(null);
        }
    }
}
