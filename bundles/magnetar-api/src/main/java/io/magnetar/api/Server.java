package io.magnetar.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A listening socket that accepts connections and hands each to a new protocol
 * (asyncio {@code Server}). Closing it stops accepting; connections already made are not touched.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface Server {

    /** Service property: the address the server is bound to, as {@code host:port}. */
    String ADDRESS = "magnetar.address";

    /** The address actually bound (the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    /** True until {@link #close()}, also while accepting is paused. */
    boolean isServing();

    /**
     * Stops taking connections off the backlog while the port stays bound: clients that connect
     * meanwhile wait in the kernel's backlog (up to the endpoint's {@code backlog}) until
     * {@link #resumeAccepting()}, instead of being refused. Idempotent; a closed server ignores it.
     *
     * @since 1.2
     */
    void pauseAccepting();

    /** Takes connections off the backlog again after {@link #pauseAccepting()}. Idempotent. @since 1.2 */
    void resumeAccepting();

    /** Stops accepting and releases the port; completes when the listening socket is closed. */
    CompletableFuture<Void> close();
}
