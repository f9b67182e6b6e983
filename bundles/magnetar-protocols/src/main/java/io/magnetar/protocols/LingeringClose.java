package io.magnetar.protocols;

import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Ends a server connection after its last reply without a reset: the output is shut down once the
 * reply has flushed, and input is read and dropped until the peer closes, {@code maxBytes} have been
 * dropped, or {@code time} has passed. Closing a socket with unread input would send RST, which can
 * destroy the reply (an error response, say) before the client reads it.
 *
 * <p>Confined to its transport's event loop.
 */
public final class LingeringClose {

    /** How long a connection lingers at most by default. */
    public static final Duration DEFAULT_TIME = Duration.ofSeconds(2);
    /**
     * How much input a lingering connection drops at most by default: the rest of an upload refused as too large
     * drains within {@link #DEFAULT_TIME} at loopback or LAN speed; the time bound holds a hostile sender.
     */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final Duration time;
    private final long maxBytes;
    private StreamTransport transport;
    private TimerHandle timer;
    private long discarded;

    public LingeringClose() {
        this(DEFAULT_TIME, DEFAULT_MAX_BYTES);
    }

    public LingeringClose(Duration time, long maxBytes) {
        this.time = time;
        this.maxBytes = maxBytes;
    }

    /**
     * Starts lingering on {@code t}: write EOF after what is buffered, close at the time bound. A
     * transport that lingers on {@code close()} itself ({@link StreamTransport#LINGERS}) is closed at once:
     * it sends the FIN after the reply and drops the client's input, and the protocol is told at once
     * instead of after the client's FIN (a drain does not wait for idle clients).
     */
    public void start(StreamTransport t) {
        transport = t;
        if (Boolean.TRUE.equals(t.extraInfo(StreamTransport.LINGERS)) || !t.canWriteEof()) {
            t.close();
        } else {
            t.writeEof(); // flushes first: the client reads the reply, then EOF
            timer = t.loop().callLater(time, t::close);
        }
    }

    /** True once {@link #start} was called. */
    public boolean isLingering() {
        return transport != null;
    }

    /**
     * Drops {@code data} if lingering (closing once more than {@code maxBytes} were dropped) and
     * returns true; returns false, touching nothing, otherwise.
     */
    public boolean discard(ByteBuffer data) {
        if (transport == null) {
            return false;
        }
        discarded += data.remaining();
        data.position(data.limit());
        if (discarded > maxBytes) {
            transport.close();
        }
        return true;
    }

    /** Cancels the time bound; call from {@code connectionLost}. */
    public void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
