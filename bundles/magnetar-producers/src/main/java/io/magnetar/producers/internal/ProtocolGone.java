package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The protocol given to a connection taken off the backlog while a server closes after its protocol left
 * with no replacement (the grace of a deleted protocol bundle ran out): it closes the connection cleanly.
 * The old factory must not be called then: its bundle may be uninstalled, its classes unloadable.
 *
 * <p>Confined to its connection's loop.
 */
public final class ProtocolGone implements Protocol {

    private static final System.Logger LOG = System.getLogger(ProtocolGone.class.getName());

    @Override
    public void connectionMade(StreamTransport transport) {
        LOG.log(
                Level.DEBUG,
                "closing {0}: the endpoint''s protocol left and nothing replaced it",
                transport.extraInfo(StreamTransport.PEERNAME));
        transport.close();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // nobody serves this connection: what it sent is dropped with it
    }

    @Override
    public void connectionLost(Throwable cause) {
        // nothing was counted for this connection
    }
}
