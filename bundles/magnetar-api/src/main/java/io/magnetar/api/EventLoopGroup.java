package io.magnetar.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A fixed set of event loops; new connections are handed out round-robin with {@link #next()}.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface EventLoopGroup {

    /** The loop that should own the next connection. */
    EventLoop next();

    /** All loops of the group, in a fixed order. */
    List<EventLoop> loops();

    /** Closes every loop; completes when all loop threads have ended. */
    CompletableFuture<Void> close();
}
