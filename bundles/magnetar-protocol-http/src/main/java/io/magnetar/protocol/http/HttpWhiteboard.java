package io.magnetar.protocol.http;

/**
 * The service properties of the HTTP handler whiteboard. Any bundle registers an {@link HttpHandler}
 * or {@link AsyncHttpHandler} service with {@link #PATH}; every {@code magnetar.protocol=http} endpoint
 * (or those named in {@link #ENDPOINT}) serves it from then on, and stops when the service leaves:
 * requests already running complete, then the path is 404 again (or served by the next handler).
 *
 * <p>Rules, as in the OSGi HTTP Whiteboard: an exact path wins over a prefix, a longer prefix over a
 * shorter one; for the same path and method the highest {@code service.ranking} wins, then the lowest
 * {@code service.id}; the others are shadowed, logged, and listed by {@code magnetar:routes}, and take
 * over when the winner leaves. The built-in {@code GET /plaintext} and {@code GET /} rank below every
 * registered handler. DS authors use the annotations of {@code io.magnetar.protocol.http.annotations}
 * instead of spelling these strings.
 *
 * <p>Immutable (constants only).
 */
public final class HttpWhiteboard {

    /**
     * Path or paths the handler serves ({@code String}, {@code String[]} or a {@code Collection}): exact
     * ({@code /hello}) or a prefix ({@code /api/*}, which also matches {@code /api}; {@code /*} matches all).
     */
    public static final String PATH = "magnetar.http.path";

    /** Methods the handler serves (one or more); absent means every method. Other methods get 405. */
    public static final String METHOD = "magnetar.http.method";

    /**
     * {@code true}: the handler may block; it runs on a bounded worker pool, never on an event loop, with
     * its connection paused meanwhile, and a full pool answers 503. Only for {@link HttpHandler}.
     */
    public static final String BLOCKING = "magnetar.http.blocking";

    /** Names of the endpoints (their {@code name} or cfg file name) the handler serves; absent means all. */
    public static final String ENDPOINT = "magnetar.endpoint";

    private HttpWhiteboard() {}
}
