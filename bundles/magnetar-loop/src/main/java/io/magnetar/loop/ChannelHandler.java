package io.magnetar.loop;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The attachment of a channel registered with a {@link SelectorEventLoop}: it hears readiness.
 *
 * <p>Confined to the loop the channel is registered with.
 */
@ConsumerType
public interface ChannelHandler {

    /** The channel is ready for the operations in {@code readyOps} ({@link java.nio.channels.SelectionKey} bits). */
    void ready(int readyOps);

    /**
     * Ends the channel at once: {@code cause} is what {@link #ready} threw, or {@code null} when the
     * loop is shutting down. Must not throw.
     */
    void abort(Throwable cause);
}
