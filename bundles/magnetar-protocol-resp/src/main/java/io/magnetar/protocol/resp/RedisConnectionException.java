package io.magnetar.protocol.resp;

import java.io.IOException;

/**
 * A command failed because of its connection, not because of the server's answer: the server could
 * not be reached, or the connection was lost before the reply came. The message names the server and,
 * when known, the command; the cause is the transport's error.
 *
 * <p>Immutable.
 */
public final class RedisConnectionException extends IOException {

    private static final long serialVersionUID = 1L;

    public RedisConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
