/**
 * HTTP/1.1 server side for Magnetar: {@link io.magnetar.protocol.http.HttpServerConsumer} parses
 * requests (pipelined, keep-alive, {@code Content-Length} and chunked bodies) and answers through a
 * {@link io.magnetar.protocol.http.Router} of {@link io.magnetar.protocol.http.HttpHandler}s within
 * {@link io.magnetar.protocol.http.HttpLimits}. Registered as {@code magnetar.protocol=http}.
 *
 * <p>Every connection and its exchanges are confined to the connection's event loop; handlers run
 * there and must not block ({@link io.magnetar.protocol.http.AsyncHttpHandler} answers later).
 */
@Export
@Version("1.1.1")
package io.magnetar.protocol.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
