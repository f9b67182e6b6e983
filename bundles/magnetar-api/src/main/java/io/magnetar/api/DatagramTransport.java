package io.magnetar.api;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A datagram socket (asyncio {@code DatagramTransport}).
 *
 * <p>Confined to its event loop, except {@link #sendTo}, {@link #close()} and {@link #abort()},
 * which may be called from any thread.
 */
@ProviderType
public interface DatagramTransport extends Transport {

    /**
     * Queues one datagram for {@code address}; {@code null} sends to the connected peer. The buffer
     * now belongs to the transport.
     */
    void sendTo(ByteBuffer data, SocketAddress address);

    /** Sets the write-buffer water marks, as {@link StreamTransport#setWriteBufferLimits}. */
    void setWriteBufferLimits(int high, int low);

    /** Bytes queued but not yet sent. */
    long writeBufferSize();
}
