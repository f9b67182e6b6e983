package io.magnetar.tcp;

import io.magnetar.api.BaseProtocol;
import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.internal.Linger;
import io.magnetar.tcp.internal.WriteBuffer;
import io.magnetar.tcp.internal.WriteWatermarks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP connection as a {@link StreamTransport}, for accepted and connected sockets alike.
 *
 * <p>Confined to its event loop, except {@link #write}, {@link #writeLines}, {@link #writeEof},
 * {@link #close()}, {@link #abort()}, {@link #pauseReading()} and {@link #resumeReading()}, which
 * may be called from any thread: off-loop calls are handed to the loop in call order (and ignored
 * once the loop is closed, which has aborted the transport).
 *
 * <p>{@link #close()} never resets the connection while the peer may still read: once the buffered
 * writes are flushed it shuts the output down (FIN) and, unless the peer's EOF came already, keeps the
 * socket open, reading and dropping, until the peer closes too (2 s and 1 MiB at most, {@link Linger}). Closing a socket with unread input, or receiving data on a closed
 * one, makes the kernel send RST, which discards the writes the peer has not read yet; a TLS peer's
 * session ticket arriving just after the close was enough. The protocol hears {@code connectionLost}
 * when the FIN is sent, not when the lingering ends.
 */
public final class SocketStreamTransport extends SocketTransport implements StreamTransport {

    /** Reads per readiness event before other channels get their turn. */
    private static final int MAX_READS_PER_EVENT = 4;

    private final SocketChannel socket;
    private final Protocol protocol;
    private final WriteBuffer buffer = new WriteBuffer();
    private final WriteWatermarks marks = new WriteWatermarks();
    private boolean readingPaused;
    private boolean eofReceived;
    private boolean eofRequested;
    private boolean outputShut;
    /** Closed for the protocol, output shut down; reading and dropping until the peer's FIN. */
    private Linger linger;
    /** Bytes handed to write since connect; written on the loop, read by metrics from any thread. */
    private long written;

    private TimerHandle lingerTimer;

    /** Wraps a connected, non-blocking {@code socket}; call {@link #start} on {@code loop}. */
    public SocketStreamTransport(SelectorEventLoop loop, SocketChannel socket, Protocol protocol) throws IOException {
        super(loop, socket, socket.getLocalAddress(), socket.getRemoteAddress());
        this.socket = socket;
        this.protocol = protocol;
    }

    @Override
    protected BaseProtocol<?> protocol() {
        return protocol;
    }

    /**
     * Registers for reading (adopting {@code existing}, the key used while connecting, if any) and
     * calls {@code connectionMade}. Loop thread only.
     *
     * @return true when the protocol took the connection; false when registering failed or
     *     {@code connectionMade} threw, in which case the transport has ended itself. A protocol that
     *     closes the transport inside {@code connectionMade} has still taken it.
     */
    public boolean start(SelectionKey existing) {
        assert loop.inEventLoop();
        try {
            register(existing, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            fatalError(e, "cannot register with " + loop);
            return false;
        }
        try {
            protocol.connectionMade(this);
            return true;
        } catch (Throwable t) {
            fatalError(t, "connectionMade threw");
            return false;
        }
    }

    @Override
    public Object extraInfo(String key) {
        if (LINGERS.equals(key)) {
            return true;
        }
        return super.extraInfo(key);
    }

    @Override
    public void ready(int readyOps) {
        if (linger != null) {
            dropInput();
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !isLost()) {
            read();
        }
    }

    private void read() {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            if (readingPaused || closing || eofReceived) {
                return;
            }
            buf.clear();
            int n;
            try {
                n = socket.read(buf);
            } catch (IOException e) {
                fatalError(e, "read failed");
                return;
            }
            if (n < 0) {
                onEof();
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            try {
                protocol.dataReceived(buf);
            } catch (Throwable t) {
                fatalError(t, "dataReceived threw");
                return;
            }
            if (n < buf.capacity()) {
                return; // the socket is drained; reading again would only return 0
            }
        }
    }

    private void onEof() {
        eofReceived = true;
        setInterest(SelectionKey.OP_READ, false);
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable t) {
            fatalError(t, "eofReceived threw");
            return;
        }
        if (!keepOpen) {
            close();
        }
    }

    @Override
    public void write(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            executeOnLoop(() -> write(data));
            return;
        }
        if (closing || eofRequested || !data.hasRemaining()) {
            return;
        }
        written += data.remaining();
        if (writeNow(data) && data.hasRemaining()) {
            queue(data);
        }
    }

    @Override
    public void writeCopy(ByteBuffer data) {
        assert loop.inEventLoop() : "writeCopy off the loop thread";
        if (closing || eofRequested || !data.hasRemaining()) {
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
            socket.write(data);
            return true;
        } catch (IOException e) {
            fatalError(e, "write failed");
            return false;
        }
    }

    /** Queues what the socket did not take, to be flushed when it is writable again. */
    private void queue(ByteBuffer rest) {
        if (buffer.isEmpty()) {
            setInterest(SelectionKey.OP_WRITE, true);
        }
        buffer.add(rest);
        maybePauseProtocol();
    }

    /** The kernel's sendfile ({@code transferTo}) from the queue, in order with the writes around it. */
    @Override
    public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (position < 0 || count < 0) {
            done.completeExceptionally(new IllegalArgumentException("negative position or count"));
            return done;
        }
        if (!loop.inEventLoop()) {
            executeOnLoop(() -> queueFile(file, position, count, done));
        } else {
            queueFile(file, position, count, done);
        }
        return done;
    }

    private void queueFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        if (closing || eofRequested) {
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

    @Override
    public void writeLines(ByteBuffer... data) {
        if (!loop.inEventLoop()) {
            executeOnLoop(() -> writeLines(data));
            return;
        }
        if (closing || eofRequested) {
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

    private void flush() {
        try {
            buffer.flushTo(socket);
        } catch (IOException e) {
            fatalError(e, "write failed");
            return;
        }
        if (!buffer.isEmpty()) {
            setInterest(SelectionKey.OP_WRITE, true);
            maybeResumeProtocol();
            return;
        }
        setInterest(SelectionKey.OP_WRITE, false);
        if (closing) {
            finishClose();
            return;
        }
        if (eofRequested && !outputShut) {
            shutdownOutput();
        }
        maybeResumeProtocol();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void writeEof() {
        if (!loop.inEventLoop()) {
            executeOnLoop(this::writeEof);
            return;
        }
        if (closing || eofRequested) {
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
            socket.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "shutdownOutput failed");
        }
    }

    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            executeOnLoop(this::close);
            return;
        }
        if (closing) {
            return;
        }
        closing = true;
        setInterest(SelectionKey.OP_READ, false);
        if (buffer.isEmpty()) {
            finishClose();
        }
    }

    /** Everything written is flushed: FIN, then linger until the peer's FIN (see the class comment). */
    private void finishClose() {
        if (eofReceived || isLost() || !socket.isConnected()) {
            forceClose(null); // the peer sends nothing more: nothing can provoke a reset
            return;
        }
        if (!outputShut) {
            outputShut = true;
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                forceClose(null);
                return;
            }
        }
        linger = new Linger();
        detachProtocol();
        setInterest(SelectionKey.OP_READ, true);
        lingerTimer = loop.callLater(Linger.MAX_TIME, () -> forceClose(null));
        dropInput();
    }

    private void dropInput() {
        if (!linger.drop(socket, loop.readBuffer())) {
            forceClose(null);
        }
    }

    @Override
    protected void forceClose(Throwable cause) {
        super.forceClose(cause);
        if (lingerTimer != null) {
            lingerTimer.cancel();
            lingerTimer = null;
        }
    }

    @Override
    protected void onForceClose() {
        buffer.clear();
    }

    @Override
    public void pauseReading() {
        if (!loop.inEventLoop()) {
            executeOnLoop(this::pauseReading);
            return;
        }
        if (linger != null) {
            return; // the protocol is gone; reading now only drops input until the peer's FIN
        }
        readingPaused = true;
        setInterest(SelectionKey.OP_READ, false);
    }

    @Override
    public void resumeReading() {
        if (!loop.inEventLoop()) {
            executeOnLoop(this::resumeReading);
            return;
        }
        readingPaused = false;
        if (!closing && !eofReceived) {
            setInterest(SelectionKey.OP_READ, true);
        }
    }

    @Override
    public boolean isReading() {
        return !readingPaused && !closing && !eofReceived;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        assert loop.inEventLoop();
        marks.set(high, low);
        maybePauseProtocol();
        maybeResumeProtocol();
    }

    @Override
    public long bytesWritten() {
        return written;
    }

    @Override
    public long writeBufferSize() {
        return buffer.size();
    }

    @Override
    public int writeBufferHighWater() {
        return marks.high();
    }

    @Override
    public int writeBufferLowWater() {
        return marks.low();
    }

    private void maybePauseProtocol() {
        if (!marks.pauseNow(buffer.size())) {
            return;
        }
        try {
            protocol.pauseWriting();
        } catch (Throwable t) {
            fatalError(t, "pauseWriting threw");
        }
    }

    private void maybeResumeProtocol() {
        if (isLost() || !marks.resumeNow(buffer.size())) {
            return;
        }
        try {
            protocol.resumeWriting();
        } catch (Throwable t) {
            fatalError(t, "resumeWriting threw");
        }
    }
}
