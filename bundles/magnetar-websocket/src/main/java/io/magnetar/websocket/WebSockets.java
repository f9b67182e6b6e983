package io.magnetar.websocket;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.websocket.internal.WebSocketRoutes;

/**
 * WebSocket without OSGi: the HTTP handler that upgrades a route to a {@link WebSocketHandler}, for a
 * {@code Router} built in Java code ({@code Router.builder().get("/chat", WebSockets.upgrade(handler))}),
 * and the built-in echo. Inside a framework, register the handler as a service instead (see
 * {@link WebSocketWhiteboard}). Thread-safe (stateless).
 */
public final class WebSockets {

    private WebSockets() {}

    /** Upgrades GET requests of its route to {@code handler}, with permessage-deflate and the default limits (1 MiB). */
    public static HttpHandler upgrade(WebSocketHandler handler) {
        return WebSocketRoutes.upgrade(handler);
    }

    /** The built-in echo: every message back as it came. */
    public static WebSocketHandler echo() {
        return WebSocketRoutes.echo();
    }
}
