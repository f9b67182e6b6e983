package io.magnetar.api;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A datagram socket (asyncio {@code DatagramTransport}), bound and possibly connected to one peer.
 *
 * <p>Confined to its event loop, except {@link #sendTo}, {@link #close()}, {@link #abort()},
 * {@link #isConnected()} and {@link #isClosing()}, which may be called from any thread: off-loop
 * calls are handed to the loop and keep their order relative to each other.
 *
 * <p>Datagrams are sent at once when the socket takes them, else queued. When the queue exceeds the
 * high-water mark the protocol's {@code pauseWriting()} is called once; when it drops to the low-water
 * mark {@code resumeWriting()} is called once. Senders must honour it: the queue itself is unbounded.
 * A datagram the network or the peer drops is lost silently, as UDP does; errors the socket reports
 * (ICMP port unreachable, message too long) reach {@code errorReceived} and leave the transport open.
 */
@ProviderType
public interface DatagramTransport extends Transport {

    /** Default high-water mark of the send queue, in bytes. */
    int DEFAULT_HIGH_WATER = 64 * 1024;

    /**
     * Queues one datagram for {@code address}; {@code null} sends to the connected peer. The buffer
     * now belongs to the transport; an empty buffer sends an empty datagram. Datagrams sent after
     * {@code close} or {@code abort} are dropped.
     *
     * @throws IllegalArgumentException when {@code address} is {@code null} on an unconnected
     *     transport, or names another host than the peer of a connected one
     */
    void sendTo(ByteBuffer data, SocketAddress address);

    /**
     * True when the transport was made connected to one peer: it sends there by default and receives
     * only from there. Fixed for the transport's life.
     */
    boolean isConnected();

    /**
     * Sets the send-queue water marks. {@code high < 0} selects the default; {@code low < 0} selects
     * {@code high / 4}. Requires {@code 0 <= low <= high}.
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * Bytes queued but not yet handed to the socket; each datagram counts its payload plus the 8 bytes
     * of a UDP header, so that empty datagrams count too.
     */
    long writeBufferSize();

    /** The current high-water mark. */
    int writeBufferHighWater();

    /** The current low-water mark. */
    int writeBufferLowWater();
}
