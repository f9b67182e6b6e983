package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The buffers an {@link SslPipe}'s engine encrypts into. Records go into a chunk; each hand-off is a
 * slice of the chunk that the receiver then owns, and the next records go to the free space after it,
 * so many small writes share one allocation and a large write is encrypted in a few big chunks.
 *
 * <p>Confined to its pipe's thread.
 */
final class RecordOutput {

    /** A fresh chunk for small writes holds this many maximal records. */
    private static final int RECORDS_PER_CHUNK = 2;
    /** Large writes get chunks of up to this many records (~256 KiB) per hand-off. */
    private static final int MAX_RECORDS_PER_CHUNK = 16;
    /** Per-record overhead allowance when sizing a chunk (header, nonce, tag or MAC, padding). */
    private static final int RECORD_OVERHEAD = 256;

    private static final int MAX_PLAINTEXT = 16 * 1024;

    private final Consumer<ByteBuffer> receiver;
    /** Records in [handedOut, position) are not yet handed to the receiver. */
    private ByteBuffer chunk;

    private int handedOut;

    RecordOutput(Consumer<ByteBuffer> receiver) {
        this.receiver = receiver;
    }

    /**
     * Where the next record goes: the current chunk if it has room for a record of {@code packetSize}
     * (the engine wants that much room for any record), else a new chunk sized for {@code plaintext}.
     */
    ByteBuffer room(int packetSize, long plaintext) {
        if (chunk == null || chunk.remaining() < packetSize) {
            return fresh(packetSize, plaintext);
        }
        return chunk;
    }

    /** Hands out what is written and starts a new chunk (also after the engine reported an overflow). */
    ByteBuffer fresh(int packetSize, long plaintext) {
        flush();
        long records = plaintext / MAX_PLAINTEXT + 1;
        long wanted = plaintext + records * RECORD_OVERHEAD;
        int capacity = (int) Math.max(
                (long) RECORDS_PER_CHUNK * packetSize, Math.min(wanted, (long) MAX_RECORDS_PER_CHUNK * packetSize));
        chunk = ByteBuffer.allocate(capacity);
        handedOut = 0;
        return chunk;
    }

    /** Hands the records written since the last hand-off to the receiver, as one buffer. */
    void flush() {
        if (chunk != null && chunk.position() > handedOut) {
            ByteBuffer records = chunk.duplicate();
            records.position(handedOut);
            records.limit(chunk.position());
            handedOut = chunk.position();
            receiver.accept(records.slice());
        }
    }

    /** Forgets a large chunk, so an idle connection does not keep it; slices handed out stay valid. */
    void trim(int packetSize) {
        if (chunk != null && chunk.capacity() > RECORDS_PER_CHUNK * packetSize) {
            flush();
            chunk = null;
        }
    }
}
