/**
 * UDP on NIO (pulsar's UDP section): {@link io.magnetar.udp.DatagramSocketTransport}, the
 * {@link io.magnetar.udp.UdpTransportProvider} that binds and connects it, pulsar's
 * {@link io.magnetar.udp.DatagramProtocol} base, the {@link io.magnetar.udp.DatagramServer} producer and
 * the {@link io.magnetar.udp.AbstractUdpClient}.
 */
@Export
@Version("1.0.0")
package io.magnetar.udp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
