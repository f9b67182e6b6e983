package io.magnetar.tls.internal;

import io.magnetar.api.StreamTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * What the application does to a TLS connection: writes (encrypted at once), files (read and encrypted a
 * chunk at a time, {@link FileSender}), {@code writeEof} (close_notify, then the plain output shut down),
 * {@code close} (close_notify, then the plain transport closed after flushing) and {@code abort}. Writes,
 * writeEof and close made while a file is being sent wait behind it, so the peer sees them in call order.
 * Writes after close, abort or writeEof are dropped (as TCP).
 *
 * <p>Confined to the connection's event loop.
 */
public final class AppOutput {

    private static final System.Logger LOG = System.getLogger(AppOutput.class.getName());

    private final SslProtocol ssl;
    private boolean eofRequested;
    private FileSender files;

    AppOutput(SslProtocol ssl) {
        this.ssl = ssl;
    }

    private boolean ended() {
        return ssl.isClosingOnLoop() || eofRequested;
    }

    private boolean fileWaiting() {
        return files != null && !files.isIdle();
    }

    /** Encrypts and writes {@code data}. */
    public void write(ByteBuffer... data) {
        if (ended()) {
            return;
        }
        if (fileWaiting()) {
            for (ByteBuffer b : data) {
                ByteBuffer copy = ByteBuffer.allocate(b.remaining()); // a file is before it: keep it in order
                copy.put(b).flip();
                files.addWrite(copy);
            }
            return;
        }
        encrypt(data);
    }

    /** Sends a file region encrypted, a chunk at a time while the plain buffer is under its high-water mark. */
    public void sendFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        if (ended()) {
            done.completeExceptionally(new IOException("sendFile on a closing TLS transport"));
            return;
        }
        if (files == null) {
            StreamTransport plain = ssl.plainTransport();
            files = new FileSender(this::encrypt, plain::writeBufferSize, plain::writeBufferHighWater);
        }
        files.addFile(file, position, count, done);
    }

    private void encrypt(ByteBuffer... data) {
        SslPipe pipe = ssl.pipe();
        try {
            pipe.send(data);
        } catch (SSLException e) {
            if (pipe.isOutboundClosed()) {
                // TLS 1.2 answers the peer's close_notify at once: later writes have nowhere to go.
                LOG.log(
                        Level.DEBUG,
                        () -> "write to " + ssl.peer() + " dropped: the TLS session is closed for writing");
            } else {
                ssl.fail(e, "cannot encrypt");
            }
        } catch (RuntimeException e) {
            ssl.fail(e, "cannot encrypt");
        }
    }

    /** Sends close_notify after what is already written (files included), then shuts the plain output down. */
    public void writeEof() {
        if (ended()) {
            return;
        }
        if (fileWaiting()) {
            files.whenDrained(this::writeEof);
            return;
        }
        eofRequested = true;
        sendCloseNotify();
        ssl.plainTransport().writeEof();
    }

    /** Sends close_notify and closes the plain transport after its buffer (and any file being sent) has been flushed. */
    public void close() {
        if (ssl.isClosingOnLoop()) {
            return;
        }
        if (fileWaiting()) {
            files.whenDrained(this::close);
            return;
        }
        ssl.markClosing();
        if (!eofRequested) {
            sendCloseNotify();
        }
        ssl.plainTransport().close();
    }

    public void abort() {
        ssl.markClosing();
        ssl.plainTransport().abort();
    }

    private void sendCloseNotify() {
        try {
            ssl.pipe().shutdown();
        } catch (SSLException e) {
            LOG.log(Level.DEBUG, () -> "close_notify to " + ssl.peer() + " not sent: " + e.getMessage());
        }
    }

    /** The plain transport resumed writing: a waiting file goes on. */
    void resumed() {
        if (files != null) {
            files.pump();
        }
    }

    /** The connection ended: files still waiting fail. */
    void lost(Throwable cause) {
        if (files != null) {
            files.fail(new IOException("the TLS connection closed before the file was sent", cause));
        }
    }
}
