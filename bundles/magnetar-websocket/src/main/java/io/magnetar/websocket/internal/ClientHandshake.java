package io.magnetar.websocket.internal;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.websocket.WebSocket;
import io.magnetar.websocket.WebSocketHandler;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client's opening handshake (RFC 6455 section 4.1) as the first exchange of a {@link Connection}:
 * writes the upgrade request with a random key (and a permessage-deflate offer), reads the response
 * head, checks 101, {@code Upgrade}, {@code Connection} and {@code Sec-WebSocket-Accept} and the
 * extensions answered, then upgrades the connection to a client {@link WebSocketSession}. {@link #opened}
 * completes with the socket once the handler's {@code onOpen} ran, or fails with why the handshake failed
 * (the connection is then closed).
 *
 * <p>Confined to its connection's event loop.
 */
public final class ClientHandshake extends ProtocolConsumer {

    private static final SecureRandom NONCES = new SecureRandom();
    private static final int MAX_HEAD = 16 * 1024;

    private final String host;
    private final String target;
    private final boolean offerDeflate;
    private final WebSocketHandler handler;
    private final CompletableFuture<WebSocket> opened;
    private final StringBuilder head = new StringBuilder();
    private String key;

    public ClientHandshake(
            String host,
            String target,
            boolean offerDeflate,
            WebSocketHandler handler,
            CompletableFuture<WebSocket> opened) {
        this.host = host;
        this.target = target;
        this.offerDeflate = offerDeflate;
        this.handler = handler;
        this.opened = opened;
    }

    @Override
    protected void startRequest() {
        byte[] nonce = new byte[16];
        NONCES.nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (offerDeflate ? "Sec-WebSocket-Extensions: " + PerMessageDeflate.CLIENT_OFFER + "\r\n" : "")
                + "\r\n";
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        while (data.hasRemaining()) {
            head.append((char) (data.get() & 0xFF));
            if (head.length() > MAX_HEAD) {
                refuse("response head over " + MAX_HEAD + " bytes");
                return;
            }
            if (head.length() >= 4 && head.charAt(head.length() - 1) == '\n' && head.indexOf("\r\n\r\n") > 0) {
                upgrade();
                return; // the bytes after the head are the first frames: the session's
            }
        }
    }

    private void upgrade() {
        String[] lines = head.toString().split("\r\n", -1);
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            refuse("the server answered '" + lines[0] + "', not 101 Switching Protocols");
            return;
        }
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                fields.merge(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        if (!"websocket".equalsIgnoreCase(fields.get("upgrade"))
                || !String.valueOf(fields.get("connection"))
                        .toLowerCase(Locale.ROOT)
                        .contains("upgrade")) {
            refuse("101 without Upgrade: websocket and Connection: Upgrade");
            return;
        }
        if (!UpgradeHandler.accept(key).equals(fields.get("sec-websocket-accept"))) {
            refuse("wrong Sec-WebSocket-Accept");
            return;
        }
        PerMessageDeflate deflate;
        try {
            deflate = PerMessageDeflate.clientAccepts(fields.get("sec-websocket-extensions"));
            if (deflate != null && !offerDeflate) {
                throw new IllegalArgumentException("server answered an extension we did not offer");
            }
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
            return;
        }
        SocketAddress remote = (SocketAddress) transport().extraInfo(io.magnetar.api.Transport.PEERNAME);
        WebSocketHandler opening = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket socket) {
                handler.onOpen(socket);
                opened.complete(socket);
            }

            @Override
            public void onText(WebSocket socket, String text) {
                handler.onText(socket, text);
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                handler.onBinary(socket, data);
            }

            @Override
            public void onPauseWriting(WebSocket socket) {
                handler.onPauseWriting(socket);
            }

            @Override
            public void onResumeWriting(WebSocket socket) {
                handler.onResumeWriting(socket);
            }

            @Override
            public void onClose(WebSocket socket, int code, String reason) {
                opened.completeExceptionally(new IOException("closed " + code + " before it opened"));
                handler.onClose(socket, code, reason);
            }
        };
        connection()
                .upgrade(() -> new WebSocketSession(opening, target, remote, deflate, WebSocketLimits.DEFAULTS, true));
        finished(this);
        // Opens now even when the server sends nothing first.
        Connection c = connection();
        transport().loop().execute(c::startCurrentConsumer);
    }

    private void refuse(String why) {
        opened.completeExceptionally(new ProtocolException("WebSocket handshake with " + host + " failed: " + why));
        failed(new ProtocolException(why));
        transport().close();
    }

    @Override
    protected void onConnectionLost(Throwable cause) {
        opened.completeExceptionally(cause != null ? cause : new IOException("connection closed during the handshake"));
    }
}
