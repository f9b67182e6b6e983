/**
 * pulsar's protocol base classes: {@link io.magnetar.protocols.EventHandler},
 * {@link io.magnetar.protocols.PulsarProtocol}, {@link io.magnetar.protocols.Protocol},
 * {@link io.magnetar.protocols.Connection} and {@link io.magnetar.protocols.ProtocolConsumer}.
 */
@Export
@Version("1.5.0")
package io.magnetar.protocols;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
