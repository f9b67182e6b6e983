package io.magnetar.protocols.codec;

import io.magnetar.protocols.InputBudget;
import java.nio.ByteBuffer;

/**
 * Splits a byte stream into frames, however the reads cut it. A frame that lies wholly within the
 * buffer given to {@link #decode} is handed over in place (that buffer, narrowed to the frame: no copy,
 * no allocation); only a frame split across reads is copied, into a buffer this decoder reuses for the
 * next one. A frame longer than the maximum (counted on the wire: header and delimiter included) throws
 * {@link FrameTooLongException} as soon as that is known, before anything past the maximum is buffered.
 * Subclasses are incremental scanners: their state carries over from one buffer to the next, and no byte
 * is scanned twice.
 *
 * <p>Confined to its connection's event loop (one decoder per connection).
 */
public abstract class FrameDecoder {

    /** Largest frame on the wire, in bytes. */
    protected final int maxFrame;
    /** Bytes of a frame split across reads (write mode); null until one is. */
    private ByteBuffer partial;
    /** Bytes of the current frame scanned so far, from earlier buffers and this one. */
    private long frameLength;

    protected FrameDecoder(int maxFrame) {
        if (maxFrame <= 0) {
            throw new IllegalArgumentException("maxFrame must be positive: " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /**
     * Scans {@code buf[from, to)} as the continuation of the current frame: returns the index just after
     * the frame's last byte when it ends in that range, or -1 when all of it belongs to the frame.
     *
     * @param scannedBefore bytes of this frame scanned in earlier calls
     * @throws FrameTooLongException as soon as the frame is known to exceed {@link #maxFrame}
     */
    protected abstract int scan(ByteBuffer buf, int from, int to, long scannedBefore);

    /** Bytes to drop from the start of a complete frame before handing it over (a length field, say). */
    protected int stripHead(int frameLength) {
        return 0;
    }

    /** Bytes to drop from the end of a complete frame before handing it over (a delimiter, say). */
    protected int stripTail(int frameLength) {
        return 0;
    }

    /** Forgets the state of the frame just completed. */
    protected abstract void reset();

    /** Hands every complete frame of {@code data} to {@code sink}, keeping an incomplete last one; reads all of {@code data}. */
    public final void decode(ByteBuffer data, FrameSink sink) {
        while (data.hasRemaining()) {
            decodeOne(data, sink);
        }
    }

    /**
     * Hands at most one frame to {@code sink} and returns true when it did, leaving the bytes after that
     * frame in {@code data} (for the next exchange of a pipelining connection); false when {@code data}
     * was consumed without completing a frame.
     */
    public final boolean decodeOne(ByteBuffer data, FrameSink sink) {
        if (data.hasRemaining()) {
            int from = data.position();
            int limit = data.limit();
            int end = scan(data, from, limit, frameLength);
            if (end < 0) {
                frameLength += limit - from;
                if (frameLength > maxFrame) {
                    throw tooLong();
                }
                keep(data, from, limit);
                data.position(limit);
                return false;
            }
            int length = (int) (frameLength + (end - from));
            if (length > maxFrame) {
                throw tooLong();
            }
            if (partial == null || partial.position() == 0) {
                int head = stripHead(length);
                int tail = stripTail(length);
                data.limit(end - tail).position(from + head);
                try {
                    sink.frame(data);
                } finally {
                    data.limit(limit).position(end);
                }
            } else {
                keep(data, from, end);
                data.position(end);
                partial.flip();
                partial.limit(partial.limit() - stripTail(length)).position(stripHead(length));
                try {
                    sink.frame(partial);
                } finally {
                    // A buffer grown for one long frame is let go: an idle connection keeps no large buffer.
                    // The sink may have closed the connection, which released it already.
                    if (partial != null && partial.capacity() > 64 * 1024) {
                        release();
                    } else if (partial != null) {
                        partial.clear();
                    }
                }
            }
            frameLength = 0;
            reset();
            return true;
        }
        return false;
    }

    private FrameTooLongException tooLong() {
        return new FrameTooLongException(
                getClass().getSimpleName() + ": frame longer than " + maxFrame + " bytes", maxFrame);
    }

    private void keep(ByteBuffer data, int from, int to) {
        int n = to - from;
        if (partial == null) {
            int size = Math.min(maxFrame, Math.max(256, n));
            reserve(size);
            partial = ByteBuffer.allocate(size);
        } else if (partial.remaining() < n) {
            int size = Math.min(maxFrame, Math.max(partial.position() + n, partial.capacity() * 2));
            reserve(size - partial.capacity());
            ByteBuffer bigger = ByteBuffer.allocate(size);
            partial.flip();
            bigger.put(partial);
            partial = bigger;
        }
        partial.put(partial.position(), data, from, n);
        partial.position(partial.position() + n);
    }

    /**
     * Gives back the buffer of a frame split across reads: call it when the connection is gone (the
     * codec's own protocols do, from {@code onConnectionLost}), or its bytes stay counted against the
     * process-wide {@link InputBudget}. The decoder stays usable. Confined to the decoder's loop.
     *
     * @since 1.1
     */
    public final void release() {
        if (partial != null) {
            InputBudget.give(partial.capacity());
            partial = null;
        }
        frameLength = 0;
    }

    /** Takes {@code bytes} from the process-wide budget, or refuses this frame (and gives back what it held). */
    private void reserve(long bytes) {
        if (!InputBudget.take(bytes)) {
            release();
            long limit = InputBudget.limit();
            throw new FrameTooLongException(
                    "input held by all connections over the limit of " + limit + " bytes", limit);
        }
    }

    /** True when part of a frame is buffered, waiting for the rest. */
    public final boolean hasPartialFrame() {
        return frameLength > 0;
    }
}
