package io.magnetar.udp;

import io.magnetar.api.DatagramTransport;
import io.magnetar.protocols.PulsarProtocol;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * pulsar's {@code DatagramProtocol}: a {@link PulsarProtocol} over a {@link DatagramTransport}, with the
 * one-time events {@code connection_made} and {@code connection_lost} and the flow-control state.
 * Subclasses override {@link #datagramReceived} and, to hear socket errors, {@link #errorReceived}.
 *
 * <p>Confined to its transport's event loop, except {@link #sendTo}, {@link #close()} and {@link #abort()},
 * which are thread-safe. Callback order: {@code connectionMade (datagramReceived | errorReceived)*
 * connectionLost}.
 */
public class DatagramProtocol extends PulsarProtocol<DatagramTransport> implements io.magnetar.api.DatagramProtocol {

    private boolean writingPaused;
    private long errorsReceived;

    public DatagramProtocol() {
        this(Set.of(), Set.of());
    }

    protected DatagramProtocol(Set<String> extraOneTime, Set<String> manyTimes) {
        super(extraOneTime, manyTimes);
    }

    @Override
    public void connectionMade(DatagramTransport transport) {
        madeWith(transport);
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
        countDataReceived();
    }

    /** Counts the error; a subclass that overrides it decides what else to do. The transport stays open. */
    @Override
    public void errorReceived(Exception error) {
        errorsReceived++;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lostWith(cause);
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
    }

    /** True between {@code pauseWriting} and {@code resumeWriting}: senders should hold back. */
    public final boolean isWritingPaused() {
        return writingPaused;
    }

    /** Errors heard through {@link #errorReceived}. Loop thread only. */
    public final long errorsReceived() {
        return errorsReceived;
    }

    /**
     * Sends one datagram to {@code address}, or to the connected peer when it is {@code null}; the
     * buffer belongs to the transport afterwards. Thread-safe.
     */
    public final void sendTo(ByteBuffer data, SocketAddress address) {
        DatagramTransport t = transport();
        if (t == null) {
            throw new IllegalStateException("sendTo before connectionMade on " + this);
        }
        t.sendTo(data, address);
    }
}
