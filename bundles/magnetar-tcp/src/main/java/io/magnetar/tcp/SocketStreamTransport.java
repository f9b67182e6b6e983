package io.magnetar.tcp;

import io.magnetar.api.BaseProtocol;
import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.tcp.internal.Linger;
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
 * socket open, reading and dropping, until the peer closes too (2 s and 64 MiB at most, {@link Linger}). Closing a socket with unread input, or receiving data on a closed
 * one, makes the kernel send RST, which discards the writes the peer has not read yet; a TLS peer's
 * session ticket arriving just after the close was enough. The protocol hears {@code connectionLost}
 * when the FIN is sent, not when the lingering ends.
 */
public final class SocketStreamTransport extends SocketTransport implements StreamTransport {

    /** Reads per readiness event before other channels get their turn. */
    private static final int MAX_READS_PER_EVENT = 4;

    /** Shared with the output half, which writes to the same socket and pauses the same protocol. */
    final SocketChannel socket;

    final Protocol protocol;
    private final SocketStreamOutput output = new SocketStreamOutput(this);
    private boolean readingPaused;
    private boolean eofReceived;
    /** Closed for the protocol, output shut down; reading and dropping until the peer's FIN. */
    private Linger linger;

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
            output.flush();
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
        output.write(data);
    }

    @Override
    public void writeCopy(ByteBuffer data) {
        assert loop.inEventLoop() : "writeCopy off the loop thread";
        output.writeCopy(data);
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
            executeOnLoop(() -> output.queueFile(file, position, count, done));
        } else {
            output.queueFile(file, position, count, done);
        }
        return done;
    }

    @Override
    public void writeLines(ByteBuffer... data) {
        if (!loop.inEventLoop()) {
            executeOnLoop(() -> writeLines(data));
            return;
        }
        output.writeLines(data);
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
        output.writeEof();
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
        if (output.isEmpty()) {
            finishClose();
        }
    }

    /** Everything written is flushed: FIN, then linger until the peer's FIN (see the class comment). */
    void finishClose() {
        if (eofReceived || isLost() || !socket.isConnected()) {
            forceClose(null); // the peer sends nothing more: nothing can provoke a reset
            return;
        }
        if (!output.shutdownForClose()) {
            forceClose(null);
            return;
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
        output.clear();
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
        output.setLimits(high, low);
    }

    @Override
    public long bytesWritten() {
        return output.written();
    }

    @Override
    public long writeBufferSize() {
        return output.size();
    }

    @Override
    public int writeBufferHighWater() {
        return output.highWater();
    }

    @Override
    public int writeBufferLowWater() {
        return output.lowWater();
    }
}
