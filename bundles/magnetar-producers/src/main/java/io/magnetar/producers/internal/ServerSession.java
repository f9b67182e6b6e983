package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.LingeringClose;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Wraps the protocol of one accepted connection with the server's bookkeeping: registration,
 * idle timeout, events, and graceful draining on close.
 *
 * <p>The server ends a connection (draining, idle) with a {@link LingeringClose}: the output is shut
 * after the last reply and what the client still sends is dropped here, never handed to the inner
 * protocol, until the client closes or the bound passes. A plain close would leave a request the client
 * pipelined in the meantime unread, and the kernel would answer it with RST.
 *
 * <p>Confined to its transport's event loop, except {@link #drain()} and {@link #abort()}.
 */
public final class ServerSession implements Protocol {

    private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

    private final SessionOwner owner;
    private final Protocol inner;
    private final Duration keepAlive;
    private final LingeringClose linger = new LingeringClose();
    private StreamTransport transport;
    private IdleTimeout idle;
    private boolean draining;
    /** Inside {@code inner.dataReceived}: replies of this read may still sit in the inner's writer. */
    private boolean reading;

    public ServerSession(SessionOwner owner, Protocol inner, Duration keepAlive) {
        this.owner = owner;
        this.inner = inner;
        this.keepAlive = keepAlive;
    }

    public Protocol inner() {
        return inner;
    }

    @Override
    public void connectionMade(StreamTransport t) {
        this.transport = t;
        owner.added(this);
        if (keepAlive != null) {
            idle = new IdleTimeout(t.loop(), keepAlive, this::idleExpired);
            idle.start();
        }
        if (inner instanceof Connection c) {
            c.onPreRequest(owner::preRequest);
            c.onPostRequest(consumer -> {
                owner.postRequest(consumer);
                if (draining && !reading) {
                    // Finished outside a read (an async handler answered): the code that finished it
                    // may still write, and may serve requests it held back; end after it returns.
                    runLater(this::endIfDrained);
                }
            });
        }
        inner.connectionMade(t);
        owner.connectionMade(inner);
        if (owner.isClosing()) {
            drainNow();
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (linger.discard(data)) {
            return;
        }
        if (idle != null) {
            idle.touch();
        }
        reading = true;
        try {
            inner.dataReceived(data);
        } finally {
            reading = false;
        }
        // Requests read together with the one a drain waited for are answered too (they are in memory
        // already, and their replies were flushed with this read); one left incomplete is waited for.
        endIfDrained();
    }

    @Override
    public boolean eofReceived() {
        if (linger.isLingering()) {
            return false; // the client has read our EOF and closed: nothing unread is left
        }
        return inner.eofReceived();
    }

    @Override
    public void pauseWriting() {
        // A lingering connection only drains its last reply; an inner protocol that paused reading
        // now would keep us from seeing the client's EOF.
        if (!linger.isLingering()) {
            inner.pauseWriting();
        }
    }

    @Override
    public void resumeWriting() {
        if (!linger.isLingering()) {
            inner.resumeWriting();
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        linger.cancel();
        if (idle != null) {
            idle.cancel();
        }
        try {
            inner.connectionLost(cause);
        } finally {
            owner.removed(this, inner, cause);
        }
    }

    /** Closes once the exchange in progress (if any) has finished. Thread-safe. */
    public void drain() {
        if (transport.loop().inEventLoop()) {
            drainNow();
        } else {
            transport.loop().execute(this::drainNow);
        }
    }

    private void drainNow() {
        draining = true;
        endIfDrained();
    }

    private void endIfDrained() {
        if (!draining || reading || linger.isLingering() || transport.isClosing()) {
            return;
        }
        if (inner instanceof Connection c && c.isBusy()) {
            return; // its post_request brings us back
        }
        startLingering();
    }

    /** Closes now, dropping buffered data. Thread-safe. */
    public void abort() {
        transport.abort();
    }

    private void idleExpired() {
        if (transport.writeBufferSize() > 0) {
            // Still sending a response: not idle. Look again after another keep-alive period.
            idle = new IdleTimeout(transport.loop(), keepAlive, this::idleExpired);
            idle.start();
            return;
        }
        if (linger.isLingering() || transport.isClosing()) {
            return;
        }
        LOG.log(Level.DEBUG, "closing {0}: idle for {1} ms", transport.extraInfo(StreamTransport.PEERNAME),
                keepAlive.toMillis());
        startLingering();
    }

    private void startLingering() {
        if (idle != null) {
            idle.cancel(); // the linger has its own bound
        }
        // The inner protocol may have paused reading (a full write buffer, a pending handler): the
        // client's EOF, and any request still in flight, must be read for the close to be clean.
        transport.resumeReading();
        linger.start(transport);
    }

    private void runLater(Runnable task) {
        try {
            transport.loop().execute(task);
        } catch (RejectedExecutionException closed) {
            // The loop is gone and has aborted its transports: nothing is left to end.
        }
    }
}
