package io.magnetar.protocol.http;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TimerHandle;
import io.magnetar.api.Transport;
import io.magnetar.protocol.http.internal.ReadClock;
import io.magnetar.protocol.http.internal.RequestParser;
import io.magnetar.protocol.http.internal.RouteMetrics;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.LingeringClose;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
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

    /** The router for each request, by the connection's local address (a whiteboard changes it live). */
    private final Function<InetSocketAddress, Router> routers;

    private InetSocketAddress localAddress;
    private final HttpLimits limits;
    private final long headerTimeoutNanos;
    private final long keepAliveNanos;
    private final long bodyTimeoutNanos;
    /** Null once the connection is upgraded: the new protocol parses what follows (~800 B less per socket). */
    private RequestParser parser;

    private final ResponseWriter writer = new ResponseWriter();
    /** When the head of the current request began (loop time), or NONE between requests. */
    private long headStart = NONE;
    /** When the first byte of the current (or last) request arrived: its latency starts there. */
    private long requestStart;
    /** When the last bytes of the current request's body arrived, or NONE when no body is arriving. */
    private long bodyLastRead = NONE;
    /** When the connection last became idle (its last response was written), or NONE while a request runs. */
    private long idleSince = NONE;
    /**
     * One timer serves the three deadlines (head, body, idle). It is moved earlier only when a new
     * deadline comes before it; otherwise it fires and re-arms itself to the next deadline, so a
     * request costs no timer allocation.
     */
    private TimerHandle timer;

    private long timerDeadline;
    private final ReadClock clock = new ReadClock();
    private int readPause;
    private final LingeringClose linger = new LingeringClose();
    private boolean handlerPending;
    private boolean upgraded;
    private boolean eofPending;
    private volatile String closeReason;

    private HttpConnection(Function<InetSocketAddress, Router> routers, HttpLimits limits, Consumers consumers) {
        super(consumers);
        this.routers = routers;
        this.limits = limits;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.keepAliveNanos = limits.keepAliveTimeout().toNanos();
        this.bodyTimeoutNanos = limits.bodyTimeout().toNanos();
        this.parser = new RequestParser(limits);
    }

    static HttpConnection create(Router router, HttpLimits limits) {
        return create(local -> router, limits);
    }

    static HttpConnection create(Function<InetSocketAddress, Router> routers, HttpLimits limits) {
        Consumers consumers = new Consumers();
        HttpConnection c = new HttpConnection(routers, limits, consumers);
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
        Object local = t.extraInfo(Transport.SOCKNAME);
        localAddress = local instanceof InetSocketAddress a ? a : null;
        parser.request().remoteAddress((SocketAddress) t.extraInfo(Transport.PEERNAME));
        // The first request's head is timed from the connection: a client that connects and says
        // nothing is a slowloris too.
        headStart = t.loop().time();
        arm(t.loop(), headStart + headerTimeoutNanos);
        super.connectionMade(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        assert transport().loop().inEventLoop() : "dataReceived off the loop";
        if (linger.discard(data)) {
            return;
        }
        EventLoop loop = transport().loop();
        long readTime = clock.readStarted(loop);
        try {
            if (bodyLastRead != NONE) {
                bodyLastRead = readTime;
            }
            super.dataReceived(data);
            // The responses to every request of this read leave together.
            writer.flush();
        } finally {
            clock.readEnded(loop);
        }
    }

    /** Loop time, read once per read ({@link ReadClock}). */
    long now() {
        return clock.now(transport().loop());
    }

    /** The current request, of route {@code cell}, was answered with {@code status}: its latency is recorded. */
    void answered(RouteMetrics.Cell cell, int status) {
        clock.answered(cell, status, requestStart, transport().loop());
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
        if (parser != null && !parser.isIdle()) {
            LOG.log(Level.DEBUG, "{0} half-closed in the middle of a request", address());
        }
        return false;
    }

    @Override
    public void pauseWriting() {
        super.pauseWriting();
        // Also after an upgrade: a peer that does not read must not make us buffer what it sends.
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
        if (parser != null) {
            parser.release();
        }
        writer.release(); // a read that threw may have left it holding the loop's buffer
        super.connectionLost(cause);
    }

    private void cancelTimers() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        linger.cancel();
    }

    Router router() {
        return routers.apply(localAddress);
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

    /** The first byte of a request arrived: its head is timed from now. */
    void requestStarted() {
        if (upgraded) {
            return;
        }
        // Set for every request: the first one's head timer runs from the connection (below it is
        // already armed), but its latency starts at its first byte like the others'.
        requestStart = now();
        if (headStart == NONE) {
            headStart = requestStart;
            idleSince = NONE;
            arm(transport().loop(), headStart + headerTimeoutNanos);
        }
    }

    /** The head of the current request is complete: its body (if any) is timed by its reads from now. */
    void headDone() {
        if (headStart != NONE) {
            headStart = NONE;
            bodyLastRead = now();
        }
    }

    /** The whole request arrived (it goes to its handler now). */
    void requestComplete() {
        headStart = NONE;
        bodyLastRead = NONE;
    }

    /** A response was queued and no request is in progress: the keep-alive idle time starts. */
    void responded() {
        if (!upgraded && headStart == NONE && bodyLastRead == NONE && !handlerPending) {
            idleSince = now();
            arm(transport().loop(), idleSince + keepAliveNanos);
        }
    }

    /** Schedules the timer for {@code deadline} unless it already fires at or before it. */
    private void arm(EventLoop loop, long deadline) {
        if (timer != null) {
            if (timerDeadline - deadline <= 0) {
                return;
            }
            timer.cancel();
        }
        timerDeadline = deadline;
        timer = loop.callAt(deadline, this::timerFired);
    }

    private void timerFired() {
        timer = null;
        StreamTransport t = transport();
        if (linger.isLingering() || t == null || t.isClosing()) {
            return;
        }
        long now = t.loop().time();
        long next = Long.MAX_VALUE;
        if (headStart != NONE) {
            if (now - (headStart + headerTimeoutNanos) >= 0) {
                headTimedOut(t);
                return;
            }
            next = headStart + headerTimeoutNanos;
        } else if (bodyLastRead != NONE) {
            if (now - (bodyLastRead + bodyTimeoutNanos) >= 0) {
                closeReason = "408 request body stopped arriving for "
                        + limits.bodyTimeout().toMillis() + " ms";
                fail(null, 408, "request body not received in time", null);
                return;
            }
            next = bodyLastRead + bodyTimeoutNanos;
        } else if (idleSince != NONE && !handlerPending) {
            if (now - (idleSince + keepAliveNanos) >= 0 && t.writeBufferSize() == 0) {
                LOG.log(
                        Level.DEBUG,
                        "closing {0}: idle for {1} ms",
                        address(),
                        limits.keepAliveTimeout().toMillis());
                closeReason = "idle for " + limits.keepAliveTimeout().toMillis() + " ms";
                linger.start(t);
                return;
            }
            // A response still being written is not idle: look again after another period.
            next = now - (idleSince + keepAliveNanos) >= 0 ? now + keepAliveNanos : idleSince + keepAliveNanos;
        }
        if (next != Long.MAX_VALUE) {
            arm(t.loop(), next);
        }
    }

    private void headTimedOut(StreamTransport t) {
        closeReason =
                "408 request head not complete within " + limits.headerTimeout().toMillis() + " ms";
        LOG.log(Level.DEBUG, "closing {0}: {1}", address(), closeReason);
        if (parser != null && !parser.isIdle()) {
            writer.add(TIMEOUT, false, true, false, now());
            writer.flush();
        }
        t.close();
    }

    /** A 101 was written: from now on the connection is another protocol's, without HTTP's timeouts. */
    void upgraded() {
        upgraded = true;
        parser.release();
        parser = null;
        headStart = NONE;
        bodyLastRead = NONE;
        idleSince = NONE;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
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
        writer.add(HttpResponse.text(status, reason + "\n"), false, true, false, now());
        writer.flush();
        linger.start(transport());
    }

    boolean isLingering() {
        return linger.isLingering();
    }
}
