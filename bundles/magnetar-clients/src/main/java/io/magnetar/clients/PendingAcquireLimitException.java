package io.magnetar.clients;

import java.util.concurrent.RejectedExecutionException;

/**
 * An acquire was refused at once because the {@link Pool} already had as many waiting acquires as
 * its {@code maxPending} allows.
 *
 * <p>Immutable.
 */
public final class PendingAcquireLimitException extends RejectedExecutionException {

    private static final long serialVersionUID = 1L;

    public PendingAcquireLimitException(String message) {
        super(message);
    }
}
