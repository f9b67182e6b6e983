package io.magnetar.tcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The end of a closed connection that waits for the peer's FIN: what the peer still sends is read and
 * dropped, because a socket closed with unread input, or receiving data once closed, makes the kernel
 * send RST, and RST discards the writes the peer has not read yet. Bounded in time and in bytes.
 *
 * <p>Confined to the transport's event loop.
 */
public final class Linger {

    /** How long a closed connection waits at most for the peer's FIN. */
    public static final Duration MAX_TIME = Duration.ofSeconds(2);
    /** How much a closed connection drops at most before it gives up waiting. */
    public static final long MAX_BYTES = 1 << 20;

    private long dropped;

    /**
     * Reads and drops what {@code socket} has now, through {@code buf}. Returns true to keep waiting;
     * false when the waiting is over: the peer's FIN, a reset (the peer is gone), or over {@link #MAX_BYTES}.
     */
    public boolean drop(SocketChannel socket, ByteBuffer buf) {
        for (; ; ) {
            buf.clear();
            int n;
            try {
                n = socket.read(buf);
            } catch (IOException e) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            if (n < 0 || (dropped += n) > MAX_BYTES) {
                return false;
            }
        }
    }
}
