package io.magnetar.tls.internal;

import java.nio.ByteBuffer;

/**
 * The ciphertext an {@link SslPipe} keeps between receives (in write mode): the start of a record not yet
 * complete, or everything that arrived while reading was paused. Each method returns the buffer to keep,
 * grown (or made) as needed; {@code packetSize} is the engine's largest record.
 *
 * <p>Stateless; the buffers are confined to their pipe's thread.
 */
final class KeptCiphertext {

    /** TLS record header: type, version, 16-bit length (RFC 8446 section 5.1). */
    private static final int HEADER = 5;

    private KeptCiphertext() {}

    /** Completes the incomplete record at the start of {@code kept} from {@code data}, and no more. */
    static ByteBuffer topUp(ByteBuffer kept, ByteBuffer data, int packetSize) {
        int have = kept.position();
        int need;
        if (have < HEADER) {
            need = HEADER - have;
        } else {
            int length = ((kept.get(3) & 0xff) << 8) | (kept.get(4) & 0xff);
            need = HEADER + length - have;
        }
        if (need <= 0) {
            need = data.remaining(); // the engine wants more than the header says: give it everything
        }
        int n = Math.min(need, data.remaining());
        ByteBuffer part = data.slice();
        part.limit(n);
        ByteBuffer into = room(kept, n, packetSize);
        into.put(part);
        data.position(data.position() + n);
        return into;
    }

    /** Adds all of {@code data} to {@code kept} (null: nothing kept yet). */
    static ByteBuffer keep(ByteBuffer kept, ByteBuffer data, int packetSize) {
        ByteBuffer into = room(kept, data.remaining(), packetSize);
        into.put(data);
        return into;
    }

    private static ByteBuffer room(ByteBuffer kept, int more, int packetSize) {
        if (kept == null) {
            return ByteBuffer.allocate(Math.max(more, packetSize));
        }
        if (kept.remaining() >= more) {
            return kept;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(kept.position() + more, kept.capacity() * 2));
        kept.flip();
        bigger.put(kept);
        return bigger;
    }
}
