package io.magnetar.protocol.http;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers a request later: the stage may complete on any thread. Until it completes the connection
 * reads no further request (backpressure), and responses keep request order even when requests were
 * pipelined. A stage that fails, or completes with {@code null}, gets the client a {@code 500} and
 * the connection closed.
 *
 * <p>{@link #handle} is called on the connection's event loop and must not block; one instance serves
 * many connections at once, so implementations must be thread-safe.
 */
@ConsumerType
@FunctionalInterface
public interface AsyncHttpHandler {

    /** The future response to {@code request}, a detached copy that may be kept. */
    CompletionStage<HttpResponse> handle(HttpRequest request);
}
