package io.magnetar.tcp;

import io.magnetar.tcp.internal.WriteBuffer;
import io.magnetar.tcp.internal.WriteWatermarks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;

/**
 * The output half of a {@link SocketStreamTransport}: the writes the socket has not taken yet, the
 * write-buffer marks that pause and resume the protocol, the count of bytes handed to write, and the
 * half-close (EOF) state. Kept in this package, not {@code internal}, because it ends the transport
 * through {@link SocketTransport}'s protected paths.
 *
 * <p>Loop thread only, except {@link #written()}, which metrics read from any thread. The transport
 * hands off-loop calls to the loop before they get here.
 */
final class SocketStreamOutput {

    private final SocketStreamTransport transport;
    private final WriteBuffer buffer = new WriteBuffer();
    private final WriteWatermarks marks = new WriteWatermarks();
    private boolean eofRequested;
    private boolean outputShut;
    /** Bytes handed to write since connect; written on the loop, read by metrics from any thread. */
    private long written;

    SocketStreamOutput(SocketStreamTransport transport) {
        this.transport = transport;
    }

    boolean isEmpty() {
        return buffer.isEmpty();
    }

    long size() {
        return buffer.size();
    }

    long written() {
        return written;
    }

    int highWater() {
        return marks.high();
    }

    int lowWater() {
        return marks.low();
    }

    /** Drops what is queued: the transport is ending. */
    void clear() {
        buffer.clear();
    }

    void write(ByteBuffer data) {
        if (transport.closing || eofRequested || !data.hasRemaining()) {
            return;
        }
        written += data.remaining();
        if (writeNow(data) && data.hasRemaining()) {
            queue(data);
        }
    }

    void writeCopy(ByteBuffer data) {
        if (transport.closing || eofRequested || !data.hasRemaining()) {
            data.position(data.limit());
            return;
        }
        written += data.remaining();
        if (!writeNow(data) || !data.hasRemaining()) {
            return; // the common case: no copy, no allocation
        }
        ByteBuffer rest = ByteBuffer.allocate(data.remaining());
        rest.put(data).flip();
        queue(rest);
    }

    /**
     * Writes what the socket takes at once, when nothing is queued before {@code data} (otherwise writes
     * nothing: order). Returns false when the write failed and the transport is ending.
     */
    private boolean writeNow(ByteBuffer data) {
        if (!buffer.isEmpty()) {
            return true;
        }
        try {
            transport.socket.write(data);
            return true;
        } catch (IOException e) {
            transport.fatalError(e, "write failed");
            return false;
        }
    }

    /** Queues what the socket did not take, to be flushed when it is writable again. */
    private void queue(ByteBuffer rest) {
        if (buffer.isEmpty()) {
            transport.setInterest(SelectionKey.OP_WRITE, true);
        }
        buffer.add(rest);
        maybePauseProtocol();
    }

    void queueFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        if (transport.closing || eofRequested) {
            done.completeExceptionally(new IOException("sendFile on a closing transport"));
            return;
        }
        if (count == 0) {
            done.complete(0L);
            return;
        }
        boolean wasEmpty = buffer.isEmpty();
        written += count;
        buffer.addFile(file, position, count, done);
        if (wasEmpty) {
            flush(); // sends what the socket takes now, and asks for OP_WRITE for the rest
        }
        maybePauseProtocol();
    }

    void writeLines(ByteBuffer... data) {
        if (transport.closing || eofRequested) {
            return;
        }
        boolean wasEmpty = buffer.isEmpty();
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                written += b.remaining();
                buffer.add(b);
            }
        }
        if (wasEmpty && !buffer.isEmpty()) {
            flush();
        }
        maybePauseProtocol();
    }

    /** The socket is writable: sends what it takes, then closes or half-closes if that waited for it. */
    void flush() {
        try {
            buffer.flushTo(transport.socket);
        } catch (IOException e) {
            transport.fatalError(e, "write failed");
            return;
        }
        if (!buffer.isEmpty()) {
            transport.setInterest(SelectionKey.OP_WRITE, true);
            maybeResumeProtocol();
            return;
        }
        transport.setInterest(SelectionKey.OP_WRITE, false);
        if (transport.closing) {
            transport.finishClose();
            return;
        }
        if (eofRequested && !outputShut) {
            shutdownOutput();
        }
        maybeResumeProtocol();
    }

    void writeEof() {
        if (transport.closing || eofRequested) {
            return;
        }
        eofRequested = true;
        if (buffer.isEmpty()) {
            shutdownOutput();
        }
    }

    private void shutdownOutput() {
        outputShut = true;
        try {
            transport.socket.shutdownOutput();
        } catch (IOException e) {
            transport.fatalError(e, "shutdownOutput failed");
        }
    }

    /**
     * Sends the FIN of a close, unless {@link #writeEof} sent it already. Returns false when the shutdown
     * failed: the caller ends the transport without lingering.
     */
    boolean shutdownForClose() {
        if (outputShut) {
            return true;
        }
        outputShut = true;
        try {
            transport.socket.shutdownOutput();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void setLimits(int high, int low) {
        marks.set(high, low);
        maybePauseProtocol();
        maybeResumeProtocol();
    }

    private void maybePauseProtocol() {
        if (!marks.pauseNow(buffer.size())) {
            return;
        }
        try {
            transport.protocol.pauseWriting();
        } catch (Throwable t) {
            transport.fatalError(t, "pauseWriting threw");
        }
    }

    private void maybeResumeProtocol() {
        if (transport.isLost() || !marks.resumeNow(buffer.size())) {
            return;
        }
        try {
            transport.protocol.resumeWriting();
        } catch (Throwable t) {
            transport.fatalError(t, "resumeWriting threw");
        }
    }
}
