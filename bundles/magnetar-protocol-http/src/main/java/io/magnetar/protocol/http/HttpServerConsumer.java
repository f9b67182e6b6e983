package io.magnetar.protocol.http;

import io.magnetar.protocol.http.internal.ParsedRequest;
import io.magnetar.protocol.http.internal.RequestParser;
import io.magnetar.protocol.http.internal.RouteMetrics;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One HTTP/1.1 request/response exchange on the server side: takes the request's bytes (leaving any
 * pipelined request after it for the next exchange), routes it, writes the response and finishes with
 * the {@link HttpResponse} as result. Keep-alive by default for HTTP/1.1, close for HTTP/1.0 unless
 * {@code Connection: keep-alive}; {@code Connection: close} answers, then closes. Malformed or oversized
 * input is answered 400, 413, 414, 431, 501 or 505 and the connection closed, a failing handler 500:
 * nothing is thrown out of the event loop.
 *
 * <p>Confined to its connection's event loop. Make connections with {@link #newConnection}.
 */
public final class HttpServerConsumer extends ProtocolConsumer {

    private final HttpConnection http;
    /** dataReceived calls this exchange has had; over one means the request spanned reads. */
    private int feeds;
    /** The route that took this request: its metrics count the response. */
    private RouteMetrics route = RouteMetrics.UNMATCHED;
    /** This loop's cell of {@link #cellOf}: the connection stays on its loop, so the cell is kept. */
    private RouteMetrics.Cell cell;

    private RouteMetrics cellOf;

    private boolean awaiting;
    private ByteBuffer stash;
    private boolean headRequest;
    private boolean close;
    private boolean keepAlive10;

    HttpServerConsumer(HttpConnection http) {
        this.http = http;
    }

    /**
     * A server connection that answers with {@code router}'s handlers within {@code limits}: return it
     * from a {@code ProtocolFactory} or give {@code () -> newConnection(router, limits)} to a
     * {@code TcpServer}.
     */
    public static Connection newConnection(Router router, HttpLimits limits) {
        Objects.requireNonNull(router, "router");
        return HttpConnection.create(local -> router, limits);
    }

    /**
     * A server connection whose router is looked up for every request by the connection's local address
     * ({@code null} when the transport has none): how the handler whiteboard serves each endpoint its
     * routes and follows handlers that come and go. {@code routers} is called on the event loop, per
     * request: it must be thread-safe, fast, and must not allocate.
     *
     * @since 1.1
     */
    public static Connection newConnection(Function<InetSocketAddress, Router> routers, HttpLimits limits) {
        return HttpConnection.create(Objects.requireNonNull(routers, "routers"), limits);
    }

    /** A server connection with {@link Router#defaults()} and {@link HttpLimits#defaults()}. */
    public static Connection newConnection() {
        return newConnection(Router.defaults(), HttpLimits.defaults());
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        if (awaiting) {
            keep(data);
            return;
        }
        if (feeds++ == 0) {
            http.requestStarted();
        }
        try {
            parse(data);
        } catch (RuntimeException e) {
            // A parser bug must cost this connection only, and loudly: never the loop's read.
            if (!http.isLingering() && !http.isClosed()) {
                reject(data, 500, "internal error", e);
            }
        }
    }

    private void parse(ByteBuffer data) {
        RequestParser parser = http.parser();
        int r = parser.feed(data);
        if (r == RequestParser.HEAD_DONE) {
            http.headDone();
            // Only when the client waits: body bytes already here mean it did not.
            if (parser.expectsContinue() && !data.hasRemaining()) {
                if (refusedBeforeItsBody(data, parser.request())) {
                    return;
                }
                http.writer().writeContinue();
            }
            r = parser.feed(data);
        }
        if (r == RequestParser.NEED_MORE) {
            return;
        }
        if (r == RequestParser.ERROR) {
            reject(data, parser.errorStatus(), parser.errorReason(), null);
            return;
        }
        http.headDone();
        http.requestComplete();
        dispatch(data, parser.request());
    }

    /**
     * A request waiting for {@code 100 Continue} that no route serves (404, 405, 501) is answered at once, without
     * the 100, and the connection closes after it (its lingering close drops a body sent anyway): the client need
     * not upload a body only to be refused (RFC 9110 10.1.1). True when it was.
     */
    private boolean refusedBeforeItsBody(ByteBuffer data, ParsedRequest request) {
        if (request.isAsterisk()
                || !(http.router().find(request) instanceof HttpHandler h)
                || request.route() != RouteMetrics.UNMATCHED) {
            return false;
        }
        HttpResponse response;
        try {
            response = h.handle(request); // the router's own 404/405/501: no body read, nothing thrown
        } catch (Exception e) {
            return false;
        }
        answering(request, true);
        respond(data, response, true);
        return true;
    }

    /** What the response to {@code request} depends on; {@code closing}: the connection closes after it. */
    private void answering(ParsedRequest request, boolean closing) {
        route = request.route();
        headRequest = request.isHead();
        close = closing || !request.keepAlive();
        keepAlive10 = request.isHttp10() && !close;
    }

    // handlerAnswered, queued on the loop, answers a failed handler future with a 500.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void dispatch(ByteBuffer data, ParsedRequest request) {
        Router router = http.router();
        Object handler = request.isAsterisk() ? router.findAsterisk(request) : router.find(request);
        if (handler == null) {
            reject(data, 400, "the asterisk-form target is only for OPTIONS", null);
            return;
        }
        answering(request, false);
        if (handler instanceof HttpHandler h) {
            HttpResponse response;
            try {
                response = h.handle(request);
            } catch (Exception e) {
                reject(data, 500, "handler failed", e);
                return;
            }
            if (response == null) {
                reject(data, 500, "handler failed", new NullPointerException("handler returned null for " + request));
                return;
            }
            respond(data, response, feeds > 1);
            return;
        }
        CompletableFuture<HttpResponse> future;
        try {
            CompletionStage<HttpResponse> stage = ((AsyncHttpHandler) handler).handle(request.detach());
            future = stage.toCompletableFuture();
        } catch (RuntimeException e) {
            reject(data, 500, "handler failed", e);
            return;
        }
        awaiting = true;
        http.parser().reset();
        keep(data);
        http.handlerStarted();
        http.writer().flush();
        // Always through the loop's queue: a future completing right now must not re-enter this read.
        future.whenComplete((response, error) -> http.runOnLoopLater(() -> handlerAnswered(response, error)));
    }

    private void handlerAnswered(HttpResponse response, Throwable error) {
        assert http.transport().loop().inEventLoop() : "handler answer off the loop";
        if (http.isClosed()) {
            return;
        }
        awaiting = false;
        http.handlerDone();
        ByteBuffer rest = stash != null ? stash : ByteBuffer.allocate(0);
        stash = null;
        if (error != null || response == null) {
            reject(
                    rest,
                    500,
                    "handler failed",
                    error != null ? error : new NullPointerException("handler answered null"));
            return;
        }
        respond(rest, response, true);
        if (rest.hasRemaining() && !http.isClosed()) {
            http.dataReceived(rest); // the requests that arrived while the handler worked, in order
        }
        http.afterHandler();
    }

    /**
     * Queues the response and finishes the exchange. {@code flushFirst} when the request did not arrive
     * within this read (or was answered later): a {@code post_request} listener may close the
     * connection then (a draining {@code TcpServer} does, for the exchange it waited for), and the
     * response must be with the transport before. Requests that arrive and finish within one read
     * cannot be the one a drain waits for, so their responses are batched.
     */
    private void respond(ByteBuffer data, HttpResponse response, boolean flushFirst) {
        ResponseWriter writer = http.writer();
        if (response.upgrade() != null) {
            writer.add(response, false, false, false, http.now());
            http.parser().reset();
            writer.flush();
            http.upgraded();
            // The bytes after the request (a first WebSocket frame, say) are the new protocol's.
            http.upgrade(response.upgrade());
            finished(response);
            http.runOnLoopLater(http::startCurrentConsumer); // opens before the client's first frame
            return;
        }
        writer.add(response, headRequest, close, keepAlive10, http.now());
        http.parser().reset();
        if (close) {
            writer.flush();
            data.position(data.limit()); // requests pipelined after a closing one are not answered
            http.transport().close();
        } else if (flushFirst) {
            writer.flush();
        }
        http.responded();
        record(response.status());
        finished(response);
    }

    /** Reused for the connection's next request once this one finished within its read. */
    @Override
    protected boolean recycle() {
        feeds = 0;
        route = RouteMetrics.UNMATCHED;
        awaiting = false;
        stash = null;
        headRequest = false;
        close = false;
        keepAlive10 = false;
        return true;
    }

    private void record(int status) {
        if (cellOf != route) {
            cellOf = route;
            cell = route.cell();
        }
        http.answered(cell, status);
    }

    private void reject(ByteBuffer data, int status, String reason, Throwable error) {
        record(status);
        http.fail(data, status, reason, error);
        failed(new ProtocolException(status + " " + reason));
    }

    /** Keeps bytes that arrive while a handler works (reading is paused, so at most a read or two). */
    private void keep(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        ByteBuffer more = ByteBuffer.allocate((stash == null ? 0 : stash.remaining()) + data.remaining());
        if (stash != null) {
            more.put(stash);
        }
        more.put(data).flip();
        stash = more;
    }
}
