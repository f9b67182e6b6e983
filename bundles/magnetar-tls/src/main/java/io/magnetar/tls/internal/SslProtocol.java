package io.magnetar.tls.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.api.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The plain-side protocol of one TLS connection (asyncio's {@code SSLProtocol}): feeds what the plain
 * transport receives to an {@link SslPipe}, writes the pipe's records to the plain transport, enforces
 * the handshake timeout, runs the handshake's delegated tasks on a worker executor (reading is paused
 * meanwhile, and the loop serves other connections), and once the handshake is done gives the
 * application protocol its TLS transport and serves that transport's calls (the {@code app*} methods).
 *
 * <p>Confined to the plain transport's event loop, except {@link #isClosing()} and
 * {@link #extraInfo(String)}. The application protocol hears
 * {@code connectionMade dataReceived* eofReceived? connectionLost} with {@code connectionMade} only after
 * the handshake; when the handshake fails it hears nothing (a server creates it only after the
 * handshake) and the {@link #handshake()} future fails with the logged reason.
 */
public final class SslProtocol implements Protocol, SslPipe.Peer {

    private static final System.Logger LOG = System.getLogger(SslProtocol.class.getName());
    /** How long a failed connection waits for the peer to read the alert and close. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final SslPipe pipe;
    private final Supplier<? extends Protocol> appFactory;
    private final Function<SslProtocol, StreamTransport> transportFactory;
    private final Duration handshakeTimeout;
    private final HandshakeTasks handshakeTasks;
    private final CompletableFuture<StreamTransport> handshake = new CompletableFuture<>();
    private final ReadControl reading;
    private StreamTransport plain;
    private Protocol app;
    private StreamTransport transport;
    private TimerHandle timer;
    /** Why this side ended the connection; handed to {@code connectionLost} when the plain side has none. */
    private Throwable failure;
    /** Set by close, abort or a failure; read from any thread by {@link #isClosing()}. */
    private volatile boolean closing;

    private boolean eofDelivered;
    private boolean lost;
    private boolean plainWritePaused;
    private boolean appWritePaused;
    /** Set once the handshake is done; volatile because extraInfo is thread-safe. */
    private volatile SessionInfo info;

    private final AppOutput output = new AppOutput(this);

    /**
     * @param handshakeTasks runs the engine's delegated tasks off the loop; {@code null} (or an executor
     *     that refuses them) runs them on the loop
     * @param appFactory called once, after the handshake, for the application protocol
     * @param transportFactory makes the TLS transport the application protocol is given
     */
    public SslProtocol(
            SSLEngine engine,
            Duration handshakeTimeout,
            Executor handshakeTasks,
            Supplier<? extends Protocol> appFactory,
            Function<SslProtocol, StreamTransport> transportFactory) {
        this.pipe = new SslPipe(engine, this);
        this.reading = new ReadControl(this, pipe);
        this.handshakeTimeout = handshakeTimeout;
        this.handshakeTasks = new HandshakeTasks(this, handshakeTasks);
        this.appFactory = appFactory;
        this.transportFactory = transportFactory;
    }

    /** Completes on the loop with the TLS transport after {@code connectionMade}, or fails with why the handshake failed. */
    public CompletableFuture<StreamTransport> handshake() {
        return handshake;
    }

    /** The plain transport underneath (set by {@code connectionMade}). */
    public StreamTransport plain() {
        return plain;
    }

    @Override
    public void connectionMade(StreamTransport t) {
        plain = t;
        timer = t.loop().callLater(handshakeTimeout, this::handshakeTimedOut);
        try {
            pipe.start();
        } catch (SSLException | RuntimeException e) {
            fail(e, "cannot start the handshake");
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (closing && failure != null) {
            return;
        }
        try {
            pipe.receive(data);
        } catch (SSLException | RuntimeException e) {
            fail(e, "cannot read TLS records");
        }
    }

    @Override
    public boolean eofReceived() {
        if (failure != null) {
            return false; // the peer read our alert and closed: done lingering
        }
        if (app == null) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"), "EOF");
            return false;
        }
        if (eofDelivered || closing) {
            return !closing; // close_notify came first and the application kept the transport open
        }
        // TCP FIN without close_notify: the peer may have been cut off (truncation). Many peers close this
        // way, so it is passed on as EOF like plain TCP, and noted.
        LOG.log(Level.DEBUG, () -> "TLS peer " + peer() + " closed TCP without close_notify");
        return deliverEof();
    }

    @Override
    public void pauseWriting() {
        plainWritePaused = true;
        passWritePause();
    }

    @Override
    public void resumeWriting() {
        plainWritePaused = false;
        output.resumed();
        passWritePause();
    }

    /** The plain transport's write buffer is this transport's: its pause/resume go to the application. */
    private void passWritePause() {
        if (app == null || appWritePaused == plainWritePaused || lost) {
            return;
        }
        appWritePaused = plainWritePaused;
        try {
            if (appWritePaused) {
                app.pauseWriting();
            } else {
                app.resumeWriting();
            }
        } catch (Throwable t) {
            fail(t, appWritePaused ? "pauseWriting threw" : "resumeWriting threw");
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        closing = true;
        output.lost(cause);
        cancelTimer();
        pipe.stop();
        pipe.release();
        Throwable reason = cause != null ? cause : failure;
        if (app != null) {
            try {
                app.connectionLost(reason);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "connectionLost of " + app + " threw", t);
            }
        } else if (!handshake.isDone()) {
            Throwable error = handshakeError(
                    reason != null
                            ? reason
                            : new SSLHandshakeException("the connection closed during the TLS handshake"));
            HandshakeCounters.FAILED.increment();
            LOG.log(Level.DEBUG, error.getMessage());
            handshake.completeExceptionally(error);
        }
    }

    @Override
    public void sslData(ByteBuffer records) {
        // The records may sit in the thread's shared buffer: what the socket does not take at once is copied.
        plain.writeCopy(records);
    }

    @Override
    public void handshakeCompleted() {
        cancelTimer();
        HandshakeCounters.OK.increment();
        SessionInfo established = SessionInfo.of(pipe.engine());
        info = established;
        LOG.log(Level.DEBUG, () -> "TLS handshake with " + peer() + " done: " + established);
        Protocol p;
        try {
            p = appFactory.get();
            transport = transportFactory.apply(this);
        } catch (Throwable t) {
            fail(t, "the protocol factory threw");
            return;
        }
        app = p;
        try {
            p.connectionMade(transport);
        } catch (Throwable t) {
            fail(t, "connectionMade threw");
            return;
        }
        passWritePause();
        handshake.complete(transport);
    }

    @Override
    public void appData(ByteBuffer data) {
        if (closing || app == null) {
            return;
        }
        try {
            app.dataReceived(data);
        } catch (Throwable t) {
            fail(t, "dataReceived threw");
        }
    }

    @Override
    public void closeNotifyReceived() {
        if (app == null) {
            fail(new SSLHandshakeException("the peer sent close_notify during the TLS handshake"), "close_notify");
            return;
        }
        if (!closing && !eofDelivered) {
            deliverEof();
        }
    }

    /** The handshake's delegated tasks go to the worker executor ({@link HandshakeTasks}). */
    @Override
    public boolean offloadTasks(Runnable tasks) {
        return handshakeTasks.offload(tasks);
    }

    private boolean deliverEof() {
        eofDelivered = true;
        boolean keepOpen;
        try {
            keepOpen = app.eofReceived();
        } catch (Throwable t) {
            fail(t, "eofReceived threw");
            return false;
        }
        if (!keepOpen) {
            output.close();
        }
        return keepOpen;
    }

    /** The application's side of the connection: writes, files, writeEof, close, abort. */
    public AppOutput output() {
        return output;
    }

    /** Marks the connection closing (no more input is decrypted); by {@link AppOutput} on close and abort. */
    void markClosing() {
        closing = true;
        pipe.stop();
    }

    StreamTransport plainTransport() {
        return plain;
    }

    SslPipe pipe() {
        return pipe;
    }

    public ReadControl reading() {
        return reading;
    }

    /** True once closing started on either side; thread-safe. */
    public boolean isClosing() {
        return closing || plain.isClosing();
    }

    /** TLS keys of {@link Transport#extraInfo}, the rest from the plain transport; thread-safe. */
    public Object extraInfo(String key) {
        if (SessionInfo.isTlsKey(key)) {
            SessionInfo i = info;
            return i == null ? null : i.get(key);
        }
        return plain.extraInfo(key);
    }

    boolean isClosingOnLoop() {
        return closing;
    }

    boolean isEofDelivered() {
        return eofDelivered;
    }

    /**
     * Ends the connection because of {@code cause}: logs why, fails the handshake future if the
     * handshake was not done, sends the TLS alert the engine queued, and closes the plain transport.
     * The first reason wins; the application protocol (if it was made) hears it in connectionLost.
     */
    void fail(Throwable cause, String what) {
        if (failure != null || lost) {
            return;
        }
        failure = cause;
        closing = true;
        cancelTimer();
        if (app == null) {
            HandshakeCounters.FAILED.increment();
        }
        pipe.stop();
        if (app == null && cause instanceof IOException) {
            Throwable error = handshakeError(cause);
            // The peer's doing, and counted (tls_handshakes_total{result="failed"}): DEBUG, so no client
            // controls the log's volume.
            LOG.log(Level.DEBUG, error.getMessage());
            handshake.completeExceptionally(error);
        } else if (cause instanceof IOException) {
            // The peer's doing (bad record, renegotiation, alert): the message says it all.
            LOG.log(Level.DEBUG, "closing TLS connection with " + peer() + ": " + what + ": " + cause);
        } else {
            // A bug here or in the application: worth a stack trace.
            LOG.log(Level.WARNING, "closing TLS connection with " + peer() + ": " + what, cause);
            handshake.completeExceptionally(cause);
        }
        if (cause instanceof SSLException && !pipe.isRunningTasks()) {
            // Tell the peer why (bad_certificate, handshake_failure, ...), so its error is clear too.
            // Not while a task runs: the engine is locked by it, and the loop must not wait.
            pipe.flushAlert();
            if (plain.writeBufferSize() == 0) {
                lingerThenClose();
                return;
            }
        }
        plain.abort();
    }

    /**
     * Half-closes after the alert and reads on, discarding, until the peer closes or {@link #LINGER}
     * passes: closing with the rest of the peer's flight unread would make the kernel send a reset,
     * and a peer still writing would see "broken pipe" instead of the alert.
     */
    private void lingerThenClose() {
        plain.writeEof();
        plain.resumeReading();
        timer = plain.loop().callLater(LINGER, plain::abort);
    }

    private void handshakeTimedOut() {
        if (app == null && !closing) {
            fail(
                    new SocketTimeoutException("TLS handshake with " + peer() + " did not complete within "
                            + handshakeTimeout.toMillis() + " ms"),
                    "handshake timeout");
        }
    }

    private Throwable handshakeError(Throwable cause) {
        if (cause instanceof SocketTimeoutException) {
            return cause;
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        SSLHandshakeException e = new SSLHandshakeException("TLS handshake with " + peer() + " failed: " + message);
        e.initCause(cause);
        return e;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    Object peer() {
        Object address = plain == null ? null : plain.extraInfo(Transport.PEERNAME);
        return address != null ? address : "?";
    }
}
