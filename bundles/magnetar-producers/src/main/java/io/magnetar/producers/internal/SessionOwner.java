package io.magnetar.producers.internal;

import io.magnetar.api.Protocol;

/** What a {@link ServerSession} reports to its server. Implementations are thread-safe. */
public interface SessionOwner {

    void added(ServerSession session);

    void removed(ServerSession session, Protocol inner, Throwable cause);

    void connectionMade(Protocol inner);

    /**
     * True when the server has {@code pre_request} or {@code post_request} listeners, asked as a connection is
     * made: as in pulsar, a connection carries the server's request listeners bound by then, and a connection
     * made without any fires nothing per request.
     */
    boolean hasRequestListeners();

    void preRequest(Object consumer);

    void postRequest(Object consumer);

    /** True once the server is closing: new sessions drain at once. */
    boolean isClosing();

    /** True when sessions of {@code generation} were made by a protocol factory since replaced: they drain. */
    boolean isRetired(int generation);
}
