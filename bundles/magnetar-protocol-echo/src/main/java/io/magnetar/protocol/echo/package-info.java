/**
 * pulsar's echo example: messages end with {@code \r\n\r\n}; the server writes each back and closes
 * on {@code QUIT}. Its datagram flavour, {@link io.magnetar.protocol.echo.DatagramEchoProtocol}, sends
 * every datagram back to its sender.
 */
@Export
@Version("1.2.0")
package io.magnetar.protocol.echo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
