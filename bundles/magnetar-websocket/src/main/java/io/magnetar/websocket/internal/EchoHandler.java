package io.magnetar.websocket.internal;

import io.magnetar.websocket.WebSocket;
import io.magnetar.websocket.WebSocketHandler;
import java.nio.ByteBuffer;

/** The built-in {@code /ws/echo}: every message back as it came. Stateless, so thread-safe. */
final class EchoHandler implements WebSocketHandler {

    @Override
    public void onText(WebSocket socket, String text) {
        socket.sendText(text);
    }

    @Override
    public void onBinary(WebSocket socket, ByteBuffer data) {
        socket.sendBinary(data);
    }

    @Override
    public String toString() {
        return "built-in WebSocket echo";
    }
}
