package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.Connection;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Wraps the protocol of one accepted connection with the server's bookkeeping: registration,
 * idle timeout, events, and graceful draining on close.
 *
 * <p>Confined to its transport's event loop, except {@link #drain()} and {@link #abort()}.
 */
public final class ServerSession implements Protocol {

    private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

    private final SessionOwner owner;
    private final Protocol inner;
    private final Duration keepAlive;
    private StreamTransport transport;
    private IdleTimeout idle;
    private boolean draining;

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
                if (draining) {
                    transport.close();
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
        if (idle != null) {
            idle.touch();
        }
        inner.dataReceived(data);
    }

    @Override
    public boolean eofReceived() {
        return inner.eofReceived();
    }

    @Override
    public void pauseWriting() {
        inner.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        inner.resumeWriting();
    }

    @Override
    public void connectionLost(Throwable cause) {
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
        if (!(inner instanceof Connection c) || !c.isBusy()) {
            transport.close();
        }
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
        LOG.log(Level.DEBUG, "closing {0}: idle for {1} ms", transport.extraInfo(StreamTransport.PEERNAME),
                keepAlive.toMillis());
        transport.close();
    }
}
