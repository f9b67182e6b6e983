package io.magnetar.websocket.internal;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.websocket.WebSocketHandler;

/** What {@code WebSockets} hands out. Stateless, thread-safe. */
public final class WebSocketRoutes {

    private WebSocketRoutes() {}

    public static HttpHandler upgrade(WebSocketHandler handler) {
        return new UpgradeHandler(handler, WebSocketLimits.DEFAULTS, true);
    }

    public static WebSocketHandler echo() {
        return new EchoHandler();
    }
}
