package io.magnetar.websocket.internal;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import io.magnetar.websocket.WebSocketHandler;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The opening handshake (RFC 6455 section 4.2) as an HTTP handler on a WebSocket path: checks the
 * request (a GET with {@code Upgrade: websocket}, {@code Connection: Upgrade}, a 16-byte base64
 * {@code Sec-WebSocket-Key}, version 13), negotiates permessage-deflate, and answers 101 with the
 * {@code Sec-WebSocket-Accept} that switches the connection to a {@link WebSocketSession} of its handler.
 * A request that is not a WebSocket handshake gets 426 (no or another upgrade, another version, with
 * {@code Sec-WebSocket-Version: 13}) or 400 (not a GET — the router also sends HEAD here —, HTTP/1.0, no
 * {@code Connection: Upgrade}, a key that is not a nonce, a key or version field twice); each refusal is
 * logged at DEBUG with the client's address.
 *
 * <p>Thread-safe (immutable); runs on the loop of the request's connection.
 */
final class UpgradeHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(UpgradeHandler.class.getName());
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final HttpResponse UPGRADE_REQUIRED = HttpResponse.builder(426)
            .header("Upgrade", "websocket")
            .header("Sec-WebSocket-Version", "13")
            .contentType("text/plain; charset=utf-8")
            .body("this path is a WebSocket (RFC 6455, version 13)\n")
            .build();

    private final WebSocketHandler handler;
    private final WebSocketLimits limits;
    private final boolean deflateEnabled;

    UpgradeHandler(WebSocketHandler handler, WebSocketLimits limits, boolean deflateEnabled) {
        this.handler = handler;
        this.limits = limits;
        this.deflateEnabled = deflateEnabled;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        if (!hasToken(request, "upgrade", "websocket") || !"13".equals(trim(request.header("sec-websocket-version")))) {
            refused(request, "426 not a version 13 WebSocket upgrade");
            return UPGRADE_REQUIRED;
        }
        if (!"GET".equals(request.method())) {
            return badRequest(request, "the WebSocket opening handshake must be a GET (RFC 6455 section 4.1)");
        }
        if (!hasToken(request, "connection", "upgrade") || "HTTP/1.0".equals(request.version())) {
            return badRequest(request, "a WebSocket handshake needs HTTP/1.1 and Connection: Upgrade");
        }
        String key = trim(request.header("sec-websocket-key"));
        if (key == null || !isNonce(key)) {
            return badRequest(request, "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        if (request.headers("sec-websocket-key").size() > 1
                || request.headers("sec-websocket-version").size() > 1) {
            return badRequest(
                    request,
                    "Sec-WebSocket-Key and Sec-WebSocket-Version may appear only once (RFC 6455 section 11.3)");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Sec-WebSocket-Accept", accept(key));
        PerMessageDeflate deflate =
                deflateEnabled ? PerMessageDeflate.negotiate(request.headers("sec-websocket-extensions")) : null;
        if (deflate != null) {
            fields.put("Sec-WebSocket-Extensions", deflate.response());
        }
        String path = request.path();
        var remote = request.remoteAddress();
        return HttpResponse.switchingProtocols(
                "websocket", fields, () -> new WebSocketSession(handler, path, remote, deflate, limits));
    }

    private static HttpResponse badRequest(HttpRequest request, String reason) {
        refused(request, "400 " + reason);
        return HttpResponse.text(400, reason + "\n");
    }

    /** A client's mistake: DEBUG, like every other refusal a client causes. */
    private static void refused(HttpRequest request, String why) {
        LOG.log(
                Level.DEBUG,
                "refusing the WebSocket handshake of {0} on {1}: {2}",
                request.remoteAddress(),
                request.path(),
                why);
    }

    /** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    private static boolean isNonce(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(HttpRequest request, String field, String token) {
        for (String value : request.headers(field)) {
            for (String t : value.split(",", -1)) {
                if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    @Override
    public String toString() {
        return "WebSocket upgrade to " + handler;
    }
}
