package io.magnetar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates one stream protocol per connection. Registered as an OSGi service with the property
 * {@link #PROTOCOL} naming the protocol.
 *
 * <p>Thread-safe: {@link #newProtocol()} is called on the loop that will own the new connection,
 * so several loops may call it at once.
 */
@ConsumerType
@FunctionalInterface
public interface ProtocolFactory {

    /** Service property naming the protocol, for instance {@code echo}. */
    String PROTOCOL = "magnetar.protocol";

    /** A fresh protocol for one connection; never {@code null}. */
    Protocol newProtocol();
}
