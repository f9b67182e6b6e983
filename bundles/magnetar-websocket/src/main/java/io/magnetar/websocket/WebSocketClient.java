package io.magnetar.websocket;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.clients.AbstractClient;
import io.magnetar.protocols.Connection;
import io.magnetar.websocket.internal.ClientHandshake;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * WebSocket connections to servers ({@code ws://} and {@code wss://}) over any {@link TransportProvider}
 * (pulsar's {@code AbstractClient}): give it the {@code magnetar.transport=tcp} service for {@code ws://},
 * the {@code tls} one for {@code wss://} (its {@code options} carry the TLS trust settings). Each
 * connection is served by a {@link WebSocketHandler}, the same type a server uses; permessage-deflate is
 * offered. {@link #close()} closes them all (AbstractClient's rules).
 *
 * <p>Thread-safe.
 */
public final class WebSocketClient extends AbstractClient {

    private final boolean offerDeflate;

    /** A client over {@code transport}; {@code options} give the connect timeout and transport settings. */
    public WebSocketClient(TransportProvider transport, Endpoint options) {
        this(transport, options, true);
    }

    public WebSocketClient(TransportProvider transport, Endpoint options, boolean offerDeflate) {
        super(
                transport,
                () -> {
                    throw new UnsupportedOperationException("connect with connect(URI, WebSocketHandler)");
                },
                options);
        this.offerDeflate = offerDeflate;
    }

    /**
     * Connects to {@code uri} ({@code ws://host[:port]/path?query}, or {@code wss://}: the transport decides
     * whether it is encrypted) and completes with the socket once the handshake is done and
     * {@code handler.onOpen} ran; fails with why the connection or the handshake failed.
     */
    public CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a ws:// or wss:// URI: " + uri));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        createConnection(
                        new InetSocketAddress(uri.getHost(), port),
                        () -> new Connection(() -> new ClientHandshake(host, target, offerDeflate, handler, opened)))
                .thenAccept(c -> c.request(null).exceptionally(e -> null))
                .exceptionally(e -> {
                    opened.completeExceptionally(e);
                    return null;
                });
        return opened;
    }
}
