package io.magnetar.protocol.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What an HTTP connection accepts before it answers with an error and closes: request-line length
 * (414), header section size and field count (431), body size (413), and how long the head of a
 * request may take to arrive (slowloris defence). Sizes count line ends (CRLF) too; the header section
 * is every field line plus the empty line that ends it, and trailers of chunked bodies are held to the
 * same size. A connection holds at most {@code maxRequestLine + maxHeaderBytes + maxBody} bytes of
 * request at any time.
 *
 * <p>Immutable.
 */
public final class HttpLimits {

    public static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** How long an idle keep-alive connection is kept (nginx {@code keepalive_timeout}). */
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(75);
    /** How long a request body may pause between two reads (nginx {@code client_body_timeout}). */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);

    /** Sizes above this are refused so that sums of limits cannot overflow an {@code int}. */
    private static final int MAX_SIZE = 1 << 29;

    private static final HttpLimits DEFAULTS = builder().build();

    private final int maxRequestLine;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final int maxBody;
    private final Duration headerTimeout;
    private final Duration keepAliveTimeout;
    private final Duration bodyTimeout;

    private HttpLimits(Builder b) {
        this.maxRequestLine = b.maxRequestLine;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxHeaderCount = b.maxHeaderCount;
        this.maxBody = b.maxBody;
        this.headerTimeout = b.headerTimeout;
        this.keepAliveTimeout = b.keepAliveTimeout;
        this.bodyTimeout = b.bodyTimeout;
    }

    /** 8 KiB request line, 16 KiB of header fields, 100 fields, 1 MiB body, 10 s header timeout. */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxRequestLine(maxRequestLine)
                .maxHeaderBytes(maxHeaderBytes)
                .maxHeaderCount(maxHeaderCount)
                .maxBody(maxBody)
                .headerTimeout(headerTimeout)
                .keepAliveTimeout(keepAliveTimeout)
                .bodyTimeout(bodyTimeout);
    }

    /** Longest request line with its CRLF (and any empty lines before it); longer is a 414. */
    public int maxRequestLine() {
        return maxRequestLine;
    }

    /** Largest header section (field lines and the final CRLF); larger is a 431. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Most header fields; more is a 431. */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /** Largest body after de-chunking; larger is a 413, sent before the body is read. */
    public int maxBody() {
        return maxBody;
    }

    /**
     * How long the head of a request may take, counted from its first byte (or from the connection
     * for the first request); a slower head is answered 408 and the connection closed.
     */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /**
     * How long a connection may sit idle between requests before it is closed (with a FIN, no response),
     * whether or not the endpoint sets {@code keepAlive}.
     *
     * @since 1.1
     */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /** How long a request body may stop arriving before it is answered 408 and closed. @since 1.1 */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpLimits l
                && l.maxRequestLine == maxRequestLine
                && l.maxHeaderBytes == maxHeaderBytes
                && l.maxHeaderCount == maxHeaderCount
                && l.maxBody == maxBody
                && l.headerTimeout.equals(headerTimeout)
                && l.keepAliveTimeout.equals(keepAliveTimeout)
                && l.bodyTimeout.equals(bodyTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, headerTimeout, keepAliveTimeout, bodyTimeout);
    }

    @Override
    public String toString() {
        return "HttpLimits[requestLine=" + maxRequestLine + ", headerBytes=" + maxHeaderBytes + ", headerCount="
                + maxHeaderCount + ", body=" + maxBody + ", headerTimeout=" + headerTimeout.toMillis()
                + "ms, keepAliveTimeout=" + keepAliveTimeout.toMillis()
                + "ms, bodyTimeout=" + bodyTimeout.toMillis() + "ms]";
    }

    /** Builds {@link HttpLimits}, starting from the defaults. Not thread-safe. */
    public static final class Builder {
        private int maxRequestLine = DEFAULT_MAX_REQUEST_LINE;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;
        private int maxBody = DEFAULT_MAX_BODY;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;

        private Builder() {}

        public Builder maxRequestLine(int bytes) {
            // "GET / HTTP/1.1\r\n" is 16 bytes: anything smaller refuses every request.
            this.maxRequestLine = check("maxRequestLine", bytes, 16);
            return this;
        }

        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = check("maxHeaderBytes", bytes, 2);
            return this;
        }

        public Builder maxHeaderCount(int count) {
            this.maxHeaderCount = check("maxHeaderCount", count, 1);
            return this;
        }

        public Builder maxBody(int bytes) {
            this.maxBody = check("maxBody", bytes, 0);
            return this;
        }

        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = positive("headerTimeout", timeout);
            return this;
        }

        /** Idle time between requests before the connection closes; positive. @since 1.1 */
        public Builder keepAliveTimeout(Duration timeout) {
            this.keepAliveTimeout = positive("keepAliveTimeout", timeout);
            return this;
        }

        /** Longest pause within a request body before a 408; positive. @since 1.1 */
        public Builder bodyTimeout(Duration timeout) {
            this.bodyTimeout = positive("bodyTimeout", timeout);
            return this;
        }

        private static Duration positive(String name, Duration timeout) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + timeout);
            }
            return timeout;
        }

        private static int check(String name, int value, int min) {
            if (value < min || value > MAX_SIZE) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + MAX_SIZE + ": " + value);
            }
            return value;
        }

        public HttpLimits build() {
            return new HttpLimits(this);
        }
    }
}
