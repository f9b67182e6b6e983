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
    /**
     * How much a closed connection drops at most before it gives up waiting: enough for the rest of an upload
     * refused as too large (a 413) to drain at loopback or LAN speed within {@link #MAX_TIME}, so its client reads
     * the answer instead of a broken pipe; the time bound is what holds a hostile sender.
     */
    public static final long MAX_BYTES = 64L << 20;
    /** Reads per readiness event: a fast sender's drain must not hold the loop from its other connections. */
    private static final int READS_PER_EVENT = 16;

    private long dropped;

    /**
     * Reads and drops what {@code socket} has now, through {@code buf}. Returns true to keep waiting;
     * false when the waiting is over: the peer's FIN, a reset (the peer is gone), or over {@link #MAX_BYTES}.
     */
    public boolean drop(SocketChannel socket, ByteBuffer buf) {
        for (int reads = 0; reads < READS_PER_EVENT; reads++) {
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
        return true; // more may be there: the next readiness event reads on
    }
}
