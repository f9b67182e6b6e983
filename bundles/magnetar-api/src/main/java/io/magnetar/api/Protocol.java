package io.magnetar.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A stream protocol (asyncio {@code Protocol}).
 *
 * <p>Confined to its transport's event loop. Callback order:
 * {@code connectionMade dataReceived* eofReceived? connectionLost}.
 */
@ConsumerType
public interface Protocol extends BaseProtocol<StreamTransport> {

    /**
     * Bytes arrived. {@code data} is valid only during the call: copy what you keep. Reading the
     * buffer (moving its position) is allowed.
     */
    void dataReceived(ByteBuffer data);

    /**
     * The peer half-closed its write side. Return {@code true} to keep the transport open for
     * writing (then the protocol closes it); {@code false} closes it.
     */
    default boolean eofReceived() {
        return false;
    }
}
