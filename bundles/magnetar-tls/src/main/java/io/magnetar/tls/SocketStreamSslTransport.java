package io.magnetar.tls;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.tls.internal.SslProtocol;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A TLS connection as a {@link StreamTransport}, layered on a plain stream transport (pulsar's
 * {@code SocketStreamSslTransport}); what the application protocol is given once the handshake is done.
 * Same contract as TCP: {@code write} encrypts at once and queues the records in the plain transport,
 * whose write buffer and water marks are this transport's (pause/resume are passed on one to one);
 * {@code pauseReading} stops {@code dataReceived} at once; {@link #writeEof()} sends {@code close_notify}
 * after what was written and shuts the plain output down; {@link #close()} sends {@code close_notify}
 * and closes after flushing; a received {@code close_notify} is {@code eofReceived} (returning true keeps
 * the transport open for writing on TLS 1.3; TLS 1.2 answers close_notify at once, so later writes are
 * dropped). A TCP EOF without {@code close_notify} is passed on as {@code eofReceived} too, as plain TCP
 * would. A peer's TLS 1.2 renegotiation ends the connection with an {@link javax.net.ssl.SSLException}.
 *
 * <p>{@link #extraInfo} adds {@link Transport#SSL_SESSION} ({@link javax.net.ssl.SSLSession}),
 * {@link Transport#ALPN_PROTOCOL} ({@code String}, {@code null} when none was negotiated) and
 * {@link Transport#PEER_CERTIFICATES} (an immutable {@code List<java.security.cert.Certificate>}, leaf
 * first, {@code null} when the peer sent none) to the plain transport's keys.
 *
 * <p>Confined to its event loop, except {@link #write}, {@link #writeLines}, {@link #writeEof},
 * {@link #close()}, {@link #abort()}, {@link #pauseReading()} and {@link #resumeReading()}, which may be
 * called from any thread (off-loop calls are handed to the loop in call order), and {@link #loop()},
 * {@link #isClosing()} and {@link #extraInfo}, which are thread-safe.
 */
public final class SocketStreamSslTransport implements StreamTransport {

    private static final System.Logger LOG = System.getLogger(SocketStreamSslTransport.class.getName());

    private final SslProtocol ssl;
    private final StreamTransport plain;
    private final EventLoop loop;

    /** Made by {@link SslTransportProvider} once the handshake of {@code ssl} is done. */
    SocketStreamSslTransport(SslProtocol ssl) {
        this.ssl = ssl;
        this.plain = ssl.plain();
        this.loop = plain.loop();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Object extraInfo(String key) {
        return ssl.extraInfo(key);
    }

    @Override
    public boolean isClosing() {
        return ssl.isClosing();
    }

    @Override
    public void write(ByteBuffer data) {
        if (loop.inEventLoop()) {
            ssl.output().write(data);
        } else {
            onLoop(() -> ssl.output().write(data));
        }
    }

    /**
     * Encrypts straight from {@code data}: the cipher copies every byte into a record anyway, so no
     * copy is made first and the caller keeps its buffer. Loop thread only; the position of
     * {@code data} moves to its limit (also when the write is dropped after close or writeEof).
     */
    @Override
    public void writeCopy(ByteBuffer data) {
        assert loop.inEventLoop() : "writeCopy off the loop thread";
        try {
            ssl.output().write(data);
        } finally {
            data.position(data.limit());
        }
    }

    @Override
    public void writeLines(ByteBuffer... data) {
        if (loop.inEventLoop()) {
            ssl.output().write(data);
        } else {
            onLoop(() -> ssl.output().write(data));
        }
    }

    /**
     * Reads and encrypts the file a 64 KiB chunk at a time while the plain transport's buffer is under
     * its high-water mark (TLS cannot use the kernel's sendfile); writes made meanwhile, and close or
     * writeEof, wait behind it. The future completes when the last chunk was encrypted and handed to
     * the plain transport.
     */
    @Override
    public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (position < 0 || count < 0) {
            done.completeExceptionally(new IllegalArgumentException("negative position or count"));
        } else if (loop.inEventLoop()) {
            ssl.output().sendFile(file, position, count, done);
        } else {
            try {
                loop.execute(() -> ssl.output().sendFile(file, position, count, done));
            } catch (RejectedExecutionException e) {
                done.completeExceptionally(new java.io.IOException("the loop of " + this + " is closed"));
            }
        }
        return done;
    }

    /** True: {@code writeEof} sends {@code close_notify}, then half-closes the plain transport. */
    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void writeEof() {
        if (loop.inEventLoop()) {
            ssl.output().writeEof();
        } else {
            onLoop(ssl.output()::writeEof);
        }
    }

    @Override
    public void close() {
        if (loop.inEventLoop()) {
            ssl.output().close();
        } else {
            onLoop(ssl.output()::close);
        }
    }

    @Override
    public void abort() {
        if (loop.inEventLoop()) {
            ssl.output().abort();
        } else {
            onLoop(ssl.output()::abort);
        }
    }

    @Override
    public void pauseReading() {
        if (loop.inEventLoop()) {
            ssl.reading().pause();
        } else {
            onLoop(() -> ssl.reading().pause());
        }
    }

    @Override
    public void resumeReading() {
        if (loop.inEventLoop()) {
            ssl.reading().resume();
        } else {
            onLoop(() -> ssl.reading().resume());
        }
    }

    @Override
    public boolean isReading() {
        return ssl.reading().isReading() && plain.isReading();
    }

    /** Sets the plain transport's marks: encrypted records are what waits in the write buffer. */
    @Override
    public void setWriteBufferLimits(int high, int low) {
        plain.setWriteBufferLimits(high, low);
    }

    /** Bytes of encrypted records not yet written to the socket (application bytes plus ~0.2% overhead). */
    @Override
    public long writeBufferSize() {
        return plain.writeBufferSize();
    }

    /** Bytes on the wire: records, with their headers and the handshake. */
    @Override
    public long bytesWritten() {
        return plain.bytesWritten();
    }

    @Override
    public int writeBufferHighWater() {
        return plain.writeBufferHighWater();
    }

    @Override
    public int writeBufferLowWater() {
        return plain.writeBufferLowWater();
    }

    /**
     * Hands an off-loop call to the loop; a closed loop has aborted its connections already, so the
     * call is dropped like any call on a closed transport.
     */
    private void onLoop(Runnable call) {
        try {
            loop.execute(call);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, () -> "call on " + this + " dropped: its loop is closed");
        }
    }

    @Override
    public String toString() {
        return "SocketStreamSslTransport[" + plain + "]";
    }
}
