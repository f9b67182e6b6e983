package io.magnetar.websocket;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open WebSocket connection (RFC 6455), as its {@link WebSocketHandler} sees it.
 *
 * <p>Thread-safe: {@link #sendText}, {@link #sendBinary} and {@link #close} may be called from any
 * thread; calls from other threads are handed to the connection's event loop in call order. Sends
 * after {@link #close} are dropped. Flow control is the transport's: when the bytes waiting to be
 * written exceed its high-water mark the handler hears {@link WebSocketHandler#onPauseWriting} and
 * {@link #isWritable()} turns false until {@link WebSocketHandler#onResumeWriting}; a writer that keeps
 * sending past {@link #MAX_BUFFERED} bytes gets the connection closed with 1008 rather than an
 * unbounded queue.
 */
@ProviderType
public interface WebSocket {

    /** Bytes queued for a slow client beyond which the connection is closed (1008). */
    long MAX_BUFFERED = 16L * 1024 * 1024;

    /** Sends a text message. */
    void sendText(String text);

    /** Sends the remaining bytes of {@code data} as a binary message; the caller may reuse {@code data} after. */
    void sendBinary(ByteBuffer data);

    /** Starts the closing handshake with {@code code} (1000 for a normal close) and {@code reason} (≤ 123 bytes of UTF-8). */
    void close(int code, String reason);

    /** False between {@code onPauseWriting} and {@code onResumeWriting}. */
    boolean isWritable();

    /** The request path that opened this connection. */
    String path();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** The negotiated extensions as sent in {@code Sec-WebSocket-Extensions}, or "" for none. */
    String extensions();
}
