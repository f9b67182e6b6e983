package io.magnetar.api;

import org.osgi.annotation.versioning.ProviderType;

/** A scheduled callback that may still be cancelled. Thread-safe. */
@ProviderType
public interface TimerHandle {

    /** Prevents the callback from running if it has not run yet; returns false if it had already run. */
    boolean cancel();

    /** True once {@link #cancel()} succeeded. */
    boolean isCancelled();
}
