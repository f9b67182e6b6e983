package io.magnetar.websocket;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves WebSocket connections: register it as a service with {@link WebSocketWhiteboard#PATH}
 * (and optionally {@link WebSocketWhiteboard#ENDPOINT}) and every {@code protocol = http} endpoint
 * upgrades requests for that path to it (RFC 6455 section 4). Fragmented messages arrive whole; pings,
 * pongs and the closing handshake are handled for it; text is valid UTF-8.
 *
 * <p>Called on the connection's event loop, in the order {@code onOpen (onText | onBinary |
 * onPauseWriting | onResumeWriting)* onClose}, never concurrently for one connection; {@code onClose}
 * comes exactly once. One instance serves many connections on several loops, so it must be
 * thread-safe, and must not block. A callback that throws closes its connection with 1011.
 */
@ConsumerType
public interface WebSocketHandler {

    /** The handshake is done; {@code socket} may send from now on. */
    default void onOpen(WebSocket socket) {}

    /** A whole text message. */
    default void onText(WebSocket socket, String text) {}

    /** A whole binary message; {@code data} is valid only during the call. */
    default void onBinary(WebSocket socket, ByteBuffer data) {}

    /** The client reads slower than we write: hold back until {@link #onResumeWriting}. */
    default void onPauseWriting(WebSocket socket) {}

    default void onResumeWriting(WebSocket socket) {}

    /**
     * The connection ended: {@code code} is the close code received (or sent, when we closed first;
     * 1006 when the connection dropped without a close frame).
     */
    default void onClose(WebSocket socket, int code, String reason) {}
}
