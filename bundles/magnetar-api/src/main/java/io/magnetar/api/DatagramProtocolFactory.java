package io.magnetar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates the protocol of a datagram endpoint. Registered with {@link ProtocolFactory#PROTOCOL}.
 *
 * <p>Thread-safe.
 */
@ConsumerType
@FunctionalInterface
public interface DatagramProtocolFactory {

    /** A fresh protocol for one datagram socket; never {@code null}. */
    DatagramProtocol newProtocol();
}
