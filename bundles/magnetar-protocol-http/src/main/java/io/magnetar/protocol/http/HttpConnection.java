package io.magnetar.protocol.http;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.api.Transport;
import io.magnetar.protocol.http.internal.RequestParser;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.LingeringClose;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The per-connection state of HTTP: parser, output buffer, header timeout, read pausing, and the one
 * way a connection ends on bad input (error response, then a lingering close). Each request is an
 * {@link HttpServerConsumer} exchange; everything that outlives a request lives here, so that a
 * request costs no parser or buffer allocation.
 *
 * <p>Confined to its transport's event loop (as {@link Connection}).
 */
final class HttpConnection extends Connection {

    private static final System.Logger LOG = System.getLogger(HttpConnection.class.getName());
    private static final long NONE = Long.MIN_VALUE;
    private static final int PAUSED_BY_WRITES = 1;
    private static final int PAUSED_BY_HANDLER = 2;
    /**
     * After an error response the connection shuts its output and reads (and drops) what the client
     * still sends for this long, or this many bytes, before it closes: closing with unread input makes
     * the kernel send RST, which can destroy the error response before the client read it.
     */
    static final Duration LINGER = LingeringClose.DEFAULT_TIME;
    private static final HttpResponse TIMEOUT = HttpResponse.text(408, "request head not complete in time\n");

    private final Router router;
    private final HttpLimits limits;
    private final long headerTimeoutNanos;
    private final RequestParser parser;
    private final ResponseWriter writer = new ResponseWriter();
    /** When the head of the current request began (loop time), or NONE between requests. */
    private long headStart = NONE;
    private TimerHandle headTimer;
    private int readPause;
    private final LingeringClose linger = new LingeringClose();
    private boolean handlerPending;
    private boolean eofPending;
    private volatile String closeReason;

    private HttpConnection(Router router, HttpLimits limits, Consumers consumers) {
        super(consumers);
        this.router = router;
        this.limits = limits;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.parser = new RequestParser(limits);
    }

    static HttpConnection create(Router router, HttpLimits limits) {
        Consumers consumers = new Consumers();
        HttpConnection c = new HttpConnection(router, limits, consumers);
        consumers.owner = c;
        return c;
    }

    /** Makes the consumer of each exchange; the connection cannot be named in its own super() call. */
    private static final class Consumers implements Supplier<HttpServerConsumer> {
        HttpConnection owner;

        @Override
        public HttpServerConsumer get() {
            return new HttpServerConsumer(owner);
        }
    }

    @Override
    public void connectionMade(StreamTransport t) {
        writer.attach(t);
        parser.request().remoteAddress((SocketAddress) t.extraInfo(Transport.PEERNAME));
        // The first request's head is timed from the connection: a client that connects and says
        // nothing is a slowloris too.
        headStart = t.loop().time();
        headTimer = t.loop().callAt(headStart + headerTimeoutNanos, this::headTimerFired);
        super.connectionMade(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        assert transport().loop().inEventLoop() : "dataReceived off the loop";
        if (linger.discard(data)) {
            return;
        }
        super.dataReceived(data);
        // The responses to every request of this read leave together.
        writer.flush();
    }

    @Override
    public boolean eofReceived() {
        if (linger.isLingering()) {
            return false;
        }
        if (handlerPending) {
            eofPending = true; // answer what was asked, then close
            return true;
        }
        if (!parser.isIdle()) {
            LOG.log(Level.DEBUG, "{0} half-closed in the middle of a request", address());
        }
        return false;
    }

    @Override
    public void pauseWriting() {
        super.pauseWriting();
        pauseReading(PAUSED_BY_WRITES); // a client that pipelines but does not read must not grow our buffers
    }

    @Override
    public void resumeWriting() {
        super.resumeWriting();
        resumeReading(PAUSED_BY_WRITES);
    }

    @Override
    public void connectionLost(Throwable cause) {
        cancelTimers();
        super.connectionLost(cause);
    }

    private void cancelTimers() {
        if (headTimer != null) {
            headTimer.cancel();
            headTimer = null;
        }
        linger.cancel();
    }

    Router router() {
        return router;
    }

    RequestParser parser() {
        return parser;
    }

    ResponseWriter writer() {
        return writer;
    }

    HttpLimits limits() {
        return limits;
    }

    /** Why this connection was closed by the server ({@code "400 header field without colon"}), or null. */
    String closeReason() {
        return closeReason;
    }

    /**
     * The first byte of a request arrived. One timer serves the connection: it is only scheduled
     * when none is pending, and re-arms itself to the right deadline when it fires early.
     */
    void requestStarted() {
        if (headStart == NONE) {
            EventLoop loop = transport().loop();
            headStart = loop.time();
            if (headTimer == null) {
                headTimer = loop.callAt(headStart + headerTimeoutNanos, this::headTimerFired);
            }
        }
    }

    /** The head of the current request is complete: the header timeout no longer applies to it. */
    void headDone() {
        headStart = NONE;
    }

    private void headTimerFired() {
        headTimer = null;
        StreamTransport t = transport();
        if (linger.isLingering() || t == null || t.isClosing() || headStart == NONE) {
            return;
        }
        long deadline = headStart + headerTimeoutNanos;
        if (t.loop().time() - deadline < 0) {
            headTimer = t.loop().callAt(deadline, this::headTimerFired);
            return;
        }
        closeReason = "408 request head not complete within " + limits.headerTimeout().toMillis() + " ms";
        LOG.log(Level.DEBUG, "closing {0}: {1}", address(), closeReason);
        if (!parser.isIdle()) {
            writer.add(TIMEOUT, false, true, false);
            writer.flush();
        }
        t.close();
    }

    /** An async handler is working: read nothing more until it answers. */
    void handlerStarted() {
        handlerPending = true;
        pauseReading(PAUSED_BY_HANDLER);
    }

    void handlerDone() {
        handlerPending = false;
        resumeReading(PAUSED_BY_HANDLER);
    }

    /** After an async exchange and the requests that waited for it: close if the client is gone. */
    void afterHandler() {
        if (eofPending && !handlerPending && !isClosed()) {
            transport().close();
        }
    }

    /** Runs {@code task} on the loop, later, even when called there (no re-entry into a read). */
    void runOnLoopLater(Runnable task) {
        try {
            transport().loop().execute(task);
        } catch (RejectedExecutionException closed) {
            // The loop is closed, and this connection was aborted with it: nothing to answer.
        }
    }

    private void pauseReading(int reason) {
        if (readPause == 0 && transport() != null) {
            transport().pauseReading();
        }
        readPause |= reason;
    }

    private void resumeReading(int reason) {
        int before = readPause;
        readPause &= ~reason;
        if (before != 0 && readPause == 0 && !isClosed()) {
            transport().resumeReading();
        }
    }

    /**
     * Ends the connection on a request that cannot be served: sends {@code status} with {@code reason}
     * and {@code Connection: close}, drops the rest of {@code data} (nothing after a bad request can be
     * trusted), and closes after lingering. Logged at DEBUG for client errors, WARNING with
     * {@code error} for server faults.
     */
    void fail(ByteBuffer data, int status, String reason, Throwable error) {
        assert transport().loop().inEventLoop() : "fail off the loop";
        closeReason = status + " " + reason;
        if (error != null) {
            LOG.log(Level.WARNING, "closing " + address() + ": " + closeReason, error);
        } else {
            LOG.log(Level.DEBUG, "closing {0}: {1}", address(), closeReason);
        }
        if (data != null) {
            data.position(data.limit());
        }
        writer.add(HttpResponse.text(status, reason + "\n"), false, true, false);
        writer.flush();
        linger.start(transport());
    }

    boolean isLingering() {
        return linger.isLingering();
    }
}
