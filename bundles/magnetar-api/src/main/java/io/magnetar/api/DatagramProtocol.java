package io.magnetar.api;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A datagram protocol (asyncio {@code DatagramProtocol}).
 *
 * <p>Confined to its transport's event loop. Callback order:
 * {@code connectionMade (datagramReceived | errorReceived)* connectionLost}.
 */
@ConsumerType
public interface DatagramProtocol extends BaseProtocol<DatagramTransport> {

    /** One datagram from {@code address}; {@code data} is valid only during the call. */
    void datagramReceived(ByteBuffer data, SocketAddress address);

    /** A send or receive failed (for instance ICMP port unreachable); the transport stays open. */
    default void errorReceived(Exception error) {}
}
