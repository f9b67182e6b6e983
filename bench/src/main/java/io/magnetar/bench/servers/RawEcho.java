package io.magnetar.bench.servers;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;

/**
 * Writes back every byte as it arrives, like Netty's echo example: the Magnetar side of the TCP
 * echo rows. Confined to its event loop.
 */
public final class RawEcho implements Protocol {

    private StreamTransport transport;

    @Override
    public void connectionMade(StreamTransport transport) {
        this.transport = transport;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // The loop's read buffer goes straight back; only what the socket refuses is copied.
        transport.writeCopy(data);
    }

    @Override
    public boolean eofReceived() {
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        transport = null;
    }
}
