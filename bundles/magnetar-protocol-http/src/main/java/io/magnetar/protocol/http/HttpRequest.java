package io.magnetar.protocol.http;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One HTTP/1.x request as a handler sees it. Strings are made only when asked for: the request is
 * a view over the bytes the connection parsed, so reading a header costs nothing until its value is
 * wanted.
 *
 * <p>Confined to the event loop that calls {@link HttpHandler#handle}, and valid only during that
 * call (the connection reuses it for the next request). {@link #detach()} returns an immutable copy
 * that may be kept and used from any thread; {@link AsyncHttpHandler}s are given a detached request.
 */
@ProviderType
public interface HttpRequest {

    /** The method as sent, for instance {@code GET} (case-sensitive, RFC 9110 9.1). */
    String method();

    /**
     * The request-target as sent (path and query, or an absolute URI, or {@code *}), but for its path's
     * percent-encoded unreserved characters, which are decoded (RFC 3986 6.2.2.2: {@code %7E} is {@code ~}).
     */
    String target();

    /**
     * The path of the target; {@code /} when an absolute URI has none. Percent-encoded unreserved characters are
     * decoded and other escapes keep their encoding with upper-case hex digits (RFC 3986 6.2.2), so routes match
     * equivalent paths and a handler that percent-decodes the path once gets what the client meant.
     */
    String path();

    /** The query of the target (after {@code ?}, not decoded), or {@code null} when there is none. */
    String query();

    /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
    String version();

    /** The first value of header {@code name} (any case), whitespace trimmed, or {@code null}. */
    String header(String name);

    /** Every value of header {@code name} (any case), in order; empty when absent. */
    List<String> headers(String name);

    /** The header names as sent, in order, each once. */
    List<String> headerNames();

    /** The body, decoded from chunks if it was chunked; a read-only buffer, empty when there is none. */
    ByteBuffer body();

    /** A copy of the body. */
    byte[] bodyBytes();

    /** The body decoded as UTF-8. */
    String bodyText();

    /**
     * True when the connection stays open after the response: HTTP/1.1 unless {@code Connection:
     * close}, HTTP/1.0 only with {@code Connection: keep-alive}.
     */
    boolean keepAlive();

    /** The peer's address, or {@code null} when unknown. */
    SocketAddress remoteAddress();

    /** An immutable copy of this request that stays valid after the handler returns. */
    HttpRequest detach();
}
