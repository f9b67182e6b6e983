package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/** The protocol given to a connection over the server's limit: it closes the connection at once. */
public final class RefusedConnection implements Protocol {

    private static final System.Logger LOG = System.getLogger(RefusedConnection.class.getName());

    private final int limit;

    public RefusedConnection(int limit) {
        this.limit = limit;
    }

    @Override
    public void connectionMade(StreamTransport transport) {
        LOG.log(
                Level.INFO,
                "refusing {0}: {1} concurrent connections reached",
                transport.extraInfo(StreamTransport.PEERNAME),
                limit);
        transport.abort();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // closed already
    }

    @Override
    public void connectionLost(Throwable cause) {
        // nothing was counted for this connection
    }
}
