package io.magnetar.protocol.resp;

/**
 * The byte stream is not valid RESP, or a reply exceeds the {@link RespLimits}. The stream cannot be
 * resynchronised, so the connection that saw it is aborted.
 *
 * <p>Immutable.
 */
public final class RespProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message);
    }
}
