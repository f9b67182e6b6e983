package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpLimits;
import java.nio.ByteBuffer;

/**
 * The incremental HTTP/1.1 request parser of one connection: request line, then header fields, then
 * a {@code Content-Length} or chunked body. It reads from the buffer it is given, takes only the bytes
 * of the current request and leaves the rest (pipelining); head and body bytes are copied into
 * per-connection arrays that are reused from request to request. Every limit is checked before the
 * bytes that would break it are buffered, so a connection never holds more than
 * {@code maxRequestLine + maxHeaderBytes + maxBody} bytes of request. Malformed input is a result
 * ({@link #ERROR} with a status and a reason), never an exception.
 *
 * <p>Confined to its connection's event loop.
 */
public final class RequestParser {

    /** All of {@code data} was taken; the request is not complete yet. */
    public static final int NEED_MORE = 0;
    /** The head is complete and a body follows: act on the head (100-continue), then feed again. */
    public static final int HEAD_DONE = 1;
    /** The request is complete; the bytes after it are left in the buffer. */
    public static final int COMPLETE = 2;
    /** The request is malformed or over a limit: see {@link #errorStatus()} and {@link #errorReason()}. */
    public static final int ERROR = 3;

    private static final int HEAD = 0;
    private static final int FIXED_BODY = 1;
    private static final int CHUNKED_BODY = 2;
    private static final int DONE = 3;
    private static final int FAILED = 4;

    private final HttpLimits limits;
    private final RequestHead head;
    private final BodyBuffer body;
    private final ChunkedDecoder chunks;
    private final ParsedRequest view;
    private int state;
    private long remaining;
    private int errorStatus;
    private String errorReason;
    private long maxBuffered;

    public RequestParser(HttpLimits limits) {
        this.limits = limits;
        this.head = new RequestHead(limits);
        this.body = new BodyBuffer(limits.maxBody());
        this.chunks = new ChunkedDecoder(limits.maxBody(), limits.maxHeaderBytes());
        this.view = new ParsedRequest(head, body);
    }

    /** Reads the current request's bytes from {@code data}; see the result constants. */
    public int feed(ByteBuffer data) {
        int r = parse(data);
        long held = (long) head.buf.length + body.capacity();
        if (held > maxBuffered) {
            maxBuffered = held;
        }
        return r;
    }

    private int parse(ByteBuffer data) {
        switch (state) {
            case HEAD: {
                int r = head.feed(data);
                if (r == RequestHead.CONTINUE) {
                    return NEED_MORE;
                }
                return r == RequestHead.ERROR ? fail(head.errorStatus, head.errorReason) : startBody();
            }
            case FIXED_BODY: {
                int n = (int) Math.min(remaining, data.remaining());
                if (!body.append(data, n)) {
                    return fail(503, "server input buffers full");
                }
                remaining -= n;
                if (remaining > 0) {
                    return NEED_MORE;
                }
                state = DONE;
                return COMPLETE;
            }
            case CHUNKED_BODY: {
                int r = chunks.feed(data, body);
                if (r == ChunkedDecoder.NEED_MORE) {
                    return NEED_MORE;
                }
                if (r == ChunkedDecoder.ERROR) {
                    return fail(chunks.errorStatus, chunks.errorReason);
                }
                state = DONE;
                return COMPLETE;
            }
            case DONE:
                return COMPLETE;
            default:
                return ERROR;
        }
    }

    private int startBody() {
        if (head.framing.chunked) {
            chunks.reset();
            state = CHUNKED_BODY;
            return HEAD_DONE;
        }
        long n = head.framing.contentLength;
        if (n > limits.maxBody()) {
            return fail(413, "body of " + n + " bytes over the limit of " + limits.maxBody() + " bytes");
        }
        if (n <= 0) {
            state = DONE;
            return COMPLETE;
        }
        remaining = n;
        state = FIXED_BODY;
        return HEAD_DONE;
    }

    private int fail(int status, String reason) {
        state = FAILED;
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }

    /** Forgets the current request (complete or not) and keeps the arrays for the next one. */
    public void reset() {
        head.reset();
        body.reset();
        state = HEAD;
        remaining = 0;
        errorStatus = 0;
        errorReason = null;
    }

    /** True when no byte of a request has been taken since the last {@link #reset()}. */
    public boolean isIdle() {
        return state == HEAD && head.isEmpty();
    }

    /** True when the complete head asked for {@code 100 Continue} (HTTP/1.1 only). */
    public boolean expectsContinue() {
        return head.framing.expectContinue && head.http11;
    }

    public int errorStatus() {
        return errorStatus;
    }

    public String errorReason() {
        return errorReason;
    }

    /** The most bytes of request this parser has held at once, head and body arrays counted whole. */
    public long maxBuffered() {
        return maxBuffered;
    }

    RequestHead head() {
        return head;
    }

    /** The connection is gone: its body buffer goes back to the process-wide input budget. */
    public void release() {
        body.release();
    }

    BodyBuffer body() {
        return body;
    }

    /**
     * The request just parsed, viewed in place: one object per parser, valid until {@link #reset()};
     * {@link ParsedRequest#detach()} makes a copy that stays.
     */
    public ParsedRequest request() {
        return view;
    }
}
