package io.magnetar.protocol.echo.internal;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import java.util.function.Supplier;

/**
 * The server side of an echo connection. Every byte read is written back, so a peer that sends but
 * does not read would grow the write buffer without bound: while the transport asks to pause
 * writing, this connection stops reading, which pushes back on the peer through TCP instead.
 *
 * <p>Confined to its transport's event loop.
 */
public final class EchoServerConnection extends Connection {

    /** Exchanges from {@code consumers} (the exported {@code EchoServerConsumer}, which this class does not import). */
    public EchoServerConnection(Supplier<? extends ProtocolConsumer> consumers) {
        super(consumers);
    }

    @Override
    public void pauseWriting() {
        super.pauseWriting();
        transport().pauseReading();
    }

    @Override
    public void resumeWriting() {
        super.resumeWriting();
        transport().resumeReading();
    }
}
