package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
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

    /**
     * How long a connection that has received nothing is kept for its first request when its protocol is
     * replaced: a request sent right after connecting is on its way well within this (a round trip).
     */
    static final Duration FIRST_REQUEST_WAIT = Duration.ofMillis(500);

    private final SessionOwner owner;
    private final Protocol inner;
    private final Duration keepAlive;
    /** Which protocol factory of the server made {@link #inner}; see {@link SessionOwner#isRetired}. */
    private final int generation;

    private final LingeringClose linger = new LingeringClose();
    private StreamTransport transport;
    private IdleTimeout idle;
    private boolean draining;
    /** Whether this session listens to its connection's {@code post_request} (loop only). */
    private boolean postRequestBound;
    /** Draining because the protocol was replaced: a connection that received nothing yet gets one exchange. */
    private boolean servingFirstRequest;

    private boolean received;
    private TimerHandle firstRequestTimer;
    /** Inside {@code inner.dataReceived}: replies of this read may still sit in the inner's writer. */
    private boolean reading;
    /** Metrics: written on the loop, read by a scrape from any thread (a value at most a moment old). */
    private long bytesReceived;

    private long writePauses;

    public ServerSession(SessionOwner owner, Protocol inner, Duration keepAlive, int generation) {
        this.owner = owner;
        this.inner = inner;
        this.keepAlive = keepAlive;
        this.generation = generation;
    }

    public int generation() {
        return generation;
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
        if (inner instanceof Connection c && owner.hasRequestListeners()) {
            c.onPreRequest(owner::preRequest);
            bindPostRequest(c, true);
        }
        inner.connectionMade(t);
        owner.connectionMade(inner);
        // Read after added(): a server that retires this generation meanwhile either sees us in its
        // set or we see its new generation here (both sides are sequentially consistent).
        if (owner.isClosing()) {
            drainNow(false);
        } else if (owner.isRetired(generation)) {
            drainNow(true);
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        bytesReceived += data.remaining();
        if (linger.discard(data)) {
            return;
        }
        received = true;
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
        writePauses++;
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
        if (firstRequestTimer != null) {
            firstRequestTimer.cancel();
        }
        if (idle != null) {
            idle.cancel();
        }
        try {
            inner.connectionLost(cause);
        } finally {
            owner.removed(this, inner, cause);
        }
    }

    /** Bytes received on this connection so far. Any thread. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Bytes written on this connection so far (0 before it is made). Any thread. */
    public long bytesSent() {
        StreamTransport t = transport;
        return t == null ? 0 : t.bytesWritten();
    }

    /** How often the transport asked this connection to pause writing. Any thread. */
    /** Exchanges its connection finished so far (0 for a protocol that is not a {@code Connection}). */
    public long requestsProcessed() {
        return inner instanceof Connection c ? c.processed() : 0;
    }

    public long writePauses() {
        return writePauses;
    }

    /** Closes once the exchange in progress (if any) has finished. Thread-safe. */
    public void drain() {
        onLoop(() -> drainNow(false));
    }

    /**
     * Like {@link #drain()}, for a protocol being replaced: a connection that has received nothing yet
     * is served its first exchange before it closes (its client may be sending that request right now,
     * and a close would drop it), for at most {@link #FIRST_REQUEST_WAIT}. Thread-safe.
     */
    public void retire() {
        onLoop(() -> drainNow(true));
    }

    private void onLoop(Runnable task) {
        if (transport.loop().inEventLoop()) {
            task.run();
        } else {
            runLater(task);
        }
    }

    /**
     * Hears each exchange's end: for the server's listeners, and while draining, to close once the exchange
     * in progress is answered. Bound only when needed: a listener costs every request a call.
     */
    private void bindPostRequest(Connection c, boolean forServer) {
        if (postRequestBound) {
            return;
        }
        postRequestBound = true;
        c.onPostRequest(consumer -> {
            if (forServer) {
                owner.postRequest(consumer);
            }
            if (draining && !reading) {
                // Finished outside a read (an async handler answered): the code that finished it
                // may still write, and may serve requests it held back; end after it returns.
                runLater(this::endIfDrained);
            }
        });
    }

    private void drainNow(boolean firstRequestFirst) {
        if (inner instanceof Connection c) {
            bindPostRequest(c, false); // before endIfDrained: a busy connection's post_request brings us back
        }
        draining = true;
        servingFirstRequest = firstRequestFirst && !received;
        if (servingFirstRequest && firstRequestTimer == null) {
            firstRequestTimer = transport.loop().callLater(FIRST_REQUEST_WAIT, () -> drainNow(false));
        }
        endIfDrained();
    }

    private void endIfDrained() {
        if (!draining || reading || linger.isLingering() || transport.isClosing()) {
            return;
        }
        if (servingFirstRequest && !received) {
            return; // its first exchange (or the timer) brings us back
        }
        if (inner instanceof Connection c && c.goingAway("server going away")) {
            return; // an exchange as long as the connection (a WebSocket) closes in its protocol's way
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
        LOG.log(
                Level.DEBUG,
                "closing {0}: idle for {1} ms",
                transport.extraInfo(StreamTransport.PEERNAME),
                keepAlive.toMillis());
        if (inner instanceof Connection c && c.goingAway("idle timeout")) {
            return; // it says goodbye in its protocol and closes (a WebSocket: 1001)
        }
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
