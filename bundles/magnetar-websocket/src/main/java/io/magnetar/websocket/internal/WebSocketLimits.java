package io.magnetar.websocket.internal;

/** Frame and message size limits: over them a connection is closed with 1009. Immutable. */
record WebSocketLimits(long maxFrame, int maxMessage) {

    static final WebSocketLimits DEFAULTS = new WebSocketLimits(1 << 20, 1 << 20);

    /**
     * The compressed size allowed for {@code limit} bytes: data that does not compress grows a little in
     * DEFLATE (zlib's own bound is under 0.04 % plus a few bytes; a client's level may cost more), so a
     * message within the limit must not be refused for its compressed size. Its inflated size is held to
     * {@code limit} itself, and a compression bomb is stopped there.
     */
    static long compressed(long limit) {
        return limit + (limit >> 8) + 64;
    }
}
