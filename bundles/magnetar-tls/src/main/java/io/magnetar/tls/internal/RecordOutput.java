package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The buffers an {@link SslPipe}'s engine encrypts into. Records go into a chunk, handed to the receiver as
 * one slice per flush. The chunk is the thread's shared one ({@link ThreadBuffers}) whenever it is free: the
 * receiver must then copy what it cannot write at once (the socket transport's {@code writeCopy} does), and
 * the chunk goes back at the flush, so an idle connection keeps no output buffer. When another connection of
 * the thread holds it, records go to a chunk of this call's own, which the receiver may keep.
 *
 * <p>Confined to its pipe's thread.
 */
final class RecordOutput {

    /** A fresh chunk of its own for small writes holds this many maximal records. */
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
    /** The chunk is the thread's shared one, given back at the next flush. */
    private boolean shared;

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
        handedOut = 0;
        chunk = ThreadBuffers.lendRecords(MAX_RECORDS_PER_CHUNK * packetSize);
        shared = chunk != null;
        if (!shared) {
            long records = plaintext / MAX_PLAINTEXT + 1;
            long wanted = plaintext + records * RECORD_OVERHEAD;
            int capacity = (int) Math.max(
                    (long) RECORDS_PER_CHUNK * packetSize, Math.min(wanted, (long) MAX_RECORDS_PER_CHUNK * packetSize));
            chunk = ByteBuffer.allocate(capacity);
        }
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
        if (shared) {
            ThreadBuffers.returnRecords(chunk);
        }
        // A chunk of its own is let go too: the receiver holds what it was handed, and an idle connection
        // keeps nothing. Such chunks are rare (only inside another connection's callback).
        shared = false;
        chunk = null;
    }
}
