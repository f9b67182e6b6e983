package io.magnetar.protocols;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * pulsar's stream {@code Protocol}: a {@link PulsarProtocol} over a {@link StreamTransport} that
 * remembers flow-control state. Subclasses override {@link #dataReceived(ByteBuffer)}.
 *
 * <p>Confined to its transport's event loop, except {@link #write(ByteBuffer)}, {@link #close()} and
 * {@link #abort()}, which are thread-safe. Callback order:
 * {@code connectionMade dataReceived* eofReceived? connectionLost}.
 */
public class Protocol extends PulsarProtocol<StreamTransport> implements io.magnetar.api.Protocol {

    private boolean writingPaused;

    public Protocol() {
        super(ONE_TIME, java.util.List.of());
    }

    /** With constant event lists, see {@link PulsarProtocol#PulsarProtocol(java.util.List, java.util.List)}. */
    protected Protocol(java.util.List<String> oneTime, java.util.List<String> manyTimes) {
        super(oneTime, manyTimes);
    }

    protected Protocol(Set<String> extraOneTime, Set<String> manyTimes) {
        super(extraOneTime, manyTimes);
    }

    @Override
    public void connectionMade(StreamTransport transport) {
        madeWith(transport);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        countDataReceived();
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

    /** True between {@code pauseWriting} and {@code resumeWriting}: writers should hold back. */
    public final boolean isWritingPaused() {
        return writingPaused;
    }

    /** Writes through the transport; the buffer belongs to the transport afterwards. Thread-safe. */
    public final void write(ByteBuffer data) {
        StreamTransport t = transport();
        if (t == null) {
            throw new IllegalStateException("write before connectionMade on " + this);
        }
        t.write(data);
    }
}
