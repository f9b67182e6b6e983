package io.magnetar.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A bidirectional byte stream (asyncio {@code Transport}: read and write side).
 *
 * <p>Confined to its event loop, except {@link #write}, {@link #writeLines}, {@link #writeEof},
 * {@link #close()} and {@link #abort()}, which may be called from any thread: off-loop calls are
 * handed to the loop and keep their order relative to each other.
 *
 * <p>Flow control: when the buffered bytes exceed the high-water mark the protocol's
 * {@code pauseWriting()} is called once; when they drop to the low-water mark {@code resumeWriting()}
 * is called once. Writers must honour it: the write buffer itself is unbounded.
 */
@ProviderType
public interface StreamTransport extends Transport {

    /**
     * {@link #extraInfo} key: {@code Boolean.TRUE} when {@link #close()} never resets a peer that may
     * still read: after flushing it sends EOF and drops the peer's input until the peer closes too
     * (bounded), telling the protocol {@code connectionLost} at the EOF. TCP and TLS over it do.
     *
     * @since 1.2
     */
    String LINGERS = "lingers";

    /** Default high-water mark of the write buffer, in bytes. */
    int DEFAULT_HIGH_WATER = 64 * 1024;

    /**
     * Queues {@code data} for writing; the buffer now belongs to the transport and must not be
     * changed by the caller. Data written after {@code close}, {@code abort} or {@code writeEof} is dropped.
     */
    void write(ByteBuffer data);

    /**
     * Writes the remaining bytes of {@code data} without taking it: what the socket does not take at
     * once is copied, so the caller keeps its buffer (the buffer given to {@code dataReceived} may be
     * passed straight back). Loop thread only; position of {@code data} moves to its limit.
     */
    default void writeCopy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        write(copy);
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} (asyncio's {@code loop.sendfile},
     * Netty's {@code FileRegion}), after everything written before and before everything written after.
     * Over plain TCP the kernel copies the file to the socket ({@code FileChannel.transferTo}, sendfile):
     * the bytes never pass through the heap. Over TLS they must be encrypted: the file is read and
     * encrypted a few records at a time, never more than the write buffer's high-water mark ahead of
     * the socket. Either way the bytes not yet sent count in {@link #writeBufferSize()} and the water
     * marks, as written bytes do.
     *
     * <p>Thread-safe. The future completes on the loop with the bytes sent once the last one was handed
     * to the socket, or fails with an {@link java.io.IOException} when the file cannot be read (fewer
     * than {@code count} bytes from {@code position}) or the transport closes first. The caller owns
     * {@code file} and must keep it open until then. A send after {@code close}, {@code abort} or
     * {@code writeEof} fails at once.
     *
     * @since 1.2
     */
    java.util.concurrent.CompletableFuture<Long> sendFile(
            java.nio.channels.FileChannel file, long position, long count);

    /** Queues several buffers, written with one gathering write where possible. */
    void writeLines(ByteBuffer... data);

    /** True when this transport can half-close its write side. */
    boolean canWriteEof();

    /** Half-closes: shuts the output down after buffered data has been flushed; reading goes on. */
    void writeEof();

    /** Stops calling {@code dataReceived} until {@link #resumeReading()}. */
    void pauseReading();

    /** Resumes calling {@code dataReceived}. */
    void resumeReading();

    /** True unless reading is paused or the transport is closing. */
    boolean isReading();

    /**
     * Sets the write-buffer water marks. {@code high < 0} selects the default; {@code low < 0} selects
     * {@code high / 4}. Requires {@code 0 <= low <= high}.
     */
    void setWriteBufferLimits(int high, int low);

    /** Bytes queued but not yet written to the socket. */
    long writeBufferSize();

    /**
     * Bytes the protocol has written (queued or sent) since the connection was made, for metrics; read
     * from any thread, a value at most a moment old. 0 from a transport that does not count.
     *
     * @since 1.3
     */
    default long bytesWritten() {
        return 0;
    }

    /** The current high-water mark. */
    int writeBufferHighWater();

    /** The current low-water mark. */
    int writeBufferLowWater();
}
