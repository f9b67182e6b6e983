package io.magnetar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every protocol hears from its transport (asyncio {@code BaseProtocol}).
 *
 * <p>Confined to its transport's event loop: every callback runs there, never concurrently.
 * {@code connectionLost} is called exactly once, last.
 *
 * @param <T> the kind of transport this protocol talks to
 */
@ConsumerType
public interface BaseProtocol<T extends Transport> {

    /** The transport is ready; the protocol keeps it. Called once, first. */
    void connectionMade(T transport);

    /**
     * The connection is closed. {@code cause} is {@code null} on a regular close or EOF, else the
     * error that ended it. Called exactly once, last.
     */
    void connectionLost(Throwable cause);

    /** The transport's write buffer went over its high-water mark: stop writing until resumed. */
    default void pauseWriting() {}

    /** The transport's write buffer drained to its low-water mark: writing may go on. */
    default void resumeWriting() {}
}
