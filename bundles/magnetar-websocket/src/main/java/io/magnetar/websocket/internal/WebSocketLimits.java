package io.magnetar.websocket.internal;

/** Frame and message size limits: over them a connection is closed with 1009. Immutable. */
record WebSocketLimits(long maxFrame, int maxMessage) {

    static final WebSocketLimits DEFAULTS = new WebSocketLimits(1 << 20, 1 << 20);
}
