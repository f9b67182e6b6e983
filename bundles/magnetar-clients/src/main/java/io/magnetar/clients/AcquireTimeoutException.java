package io.magnetar.clients;

import java.util.concurrent.TimeoutException;

/**
 * No connection of a {@link Pool} became free within the pool's acquire timeout. The time spent
 * connecting is never counted: only the wait for a free connection or a free slot.
 *
 * <p>Immutable.
 */
public final class AcquireTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    public AcquireTimeoutException(String message) {
        super(message);
    }
}
