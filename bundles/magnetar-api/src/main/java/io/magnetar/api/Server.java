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

    /** True until {@link #close()}. */
    boolean isServing();

    /** Stops accepting and releases the port; completes when the listening socket is closed. */
    CompletableFuture<Void> close();
}
