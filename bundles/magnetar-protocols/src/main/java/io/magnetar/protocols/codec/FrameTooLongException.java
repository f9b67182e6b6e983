package io.magnetar.protocols.codec;

/**
 * A frame is longer than its decoder's maximum: the connection that sent it must be closed (the
 * decoder never buffers past the maximum). The message names the limit. Immutable.
 */
public class FrameTooLongException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final long limit;

    public FrameTooLongException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /** The decoder's maximum frame size, in bytes. */
    public long limit() {
        return limit;
    }
}
