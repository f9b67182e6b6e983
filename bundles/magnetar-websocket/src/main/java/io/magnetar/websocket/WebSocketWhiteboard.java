package io.magnetar.websocket;

/**
 * Service properties of {@link WebSocketHandler} services, and the close codes of RFC 6455 section 7.4.
 * A handler's path follows the HTTP handler whiteboard's rules (it is served as a {@code GET} route on
 * that path, with the handler's {@code service.ranking}); the built-in echo at {@code /ws/echo} ranks
 * below every registered handler. Immutable (constants only).
 */
public final class WebSocketWhiteboard {

    /** The path (or paths) upgraded to the handler: exact, or a prefix ending in {@code /*}. */
    public static final String PATH = "magnetar.websocket.path";
    /** Names of the http endpoints it serves; absent means all. */
    public static final String ENDPOINT = "magnetar.endpoint";

    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    public static final int NO_STATUS = 1005;
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private WebSocketWhiteboard() {}
}
