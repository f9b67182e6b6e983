/**
 * TCP socket transports on NIO: accepted and connected {@link io.magnetar.tcp.SocketStreamTransport}s
 * and the {@link io.magnetar.tcp.TcpTransportProvider} that listens and connects.
 */
@Export
@Version("1.0.0")
package io.magnetar.tcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
