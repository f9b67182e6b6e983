package io.magnetar.protocol.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers a request synchronously, on the connection's event loop: it must not block. A handler that
 * throws, or returns {@code null}, gets the client a {@code 500} and the connection closed.
 *
 * <p>Called on the event loop of the request's connection; one instance serves many connections at
 * once, so implementations must be thread-safe (stateless ones are).
 */
@ConsumerType
@FunctionalInterface
public interface HttpHandler {

    /** The response to {@code request}, which is valid only during this call (see {@link HttpRequest#detach()}). */
    HttpResponse handle(HttpRequest request) throws Exception;
}
