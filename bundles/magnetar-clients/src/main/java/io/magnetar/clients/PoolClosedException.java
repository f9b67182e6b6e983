package io.magnetar.clients;

/**
 * The {@link Pool} was closed before or while an acquire waited.
 *
 * <p>Immutable.
 */
public final class PoolClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public PoolClosedException(String message) {
        super(message);
    }
}
