package io.magnetar.protocols.codec;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;

/**
 * Writes frames: a length prefix before the payload, or a delimiter after it, with one write. On the
 * transport's loop the frame is assembled in the loop thread's shared output buffer ({@link PendingOutput})
 * and handed over with {@code writeCopy} (no allocation per frame, and no buffer kept between frames);
 * from another thread a new buffer is written.
 *
 * <p>Use one per connection: its loop path is confined to that connection's loop; the other path is
 * thread-safe.
 */
public final class FrameEncoder {

    private final int prefixLength;
    private final byte[] delimiter;
    private final PendingOutput output = new PendingOutput();

    private FrameEncoder(int prefixLength, byte[] delimiter) {
        this.prefixLength = prefixLength;
        this.delimiter = delimiter;
    }

    /** A big-endian length prefix of {@code fieldLength} bytes (1, 2, 3, 4 or 8) counting the payload. */
    public static FrameEncoder lengthPrefix(int fieldLength) {
        if (fieldLength != 1 && fieldLength != 2 && fieldLength != 3 && fieldLength != 4 && fieldLength != 8) {
            throw new IllegalArgumentException("length field of " + fieldLength + " bytes: 1, 2, 3, 4 or 8");
        }
        return new FrameEncoder(fieldLength, new byte[0]);
    }

    /** {@code delimiter} after each payload (LF for lines). */
    public static FrameEncoder delimiter(byte[] delimiter) {
        return new FrameEncoder(0, delimiter.clone());
    }

    /** Writes the remaining bytes of {@code payload} as one frame; {@code payload} is read, not kept. */
    public void write(StreamTransport t, ByteBuffer payload) {
        int length = payload.remaining();
        if (prefixLength > 0 && prefixLength < 8 && length >= 1L << (8 * prefixLength)) {
            throw new IllegalArgumentException(
                    "payload of " + length + " bytes does not fit a " + prefixLength + "-byte length field");
        }
        int size = prefixLength + length + delimiter.length;
        boolean onLoop = t.loop().inEventLoop();
        ByteBuffer b;
        if (onLoop) {
            output.attach(t);
            b = output.reserve(size);
        } else {
            b = ByteBuffer.allocate(size);
        }
        for (int i = prefixLength - 1; i >= 0; i--) {
            b.put((byte) (length >>> (8 * i)));
        }
        b.put(payload).put(delimiter);
        if (onLoop) {
            output.flush();
        } else {
            t.write(b.flip());
        }
    }
}
