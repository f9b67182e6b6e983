/**
 * TLS over any plain stream transport, on the JDK {@code SSLEngine}: the
 * {@link io.magnetar.tls.SslTransportProvider} listens and connects through a plain provider (TCP)
 * and hands each protocol a {@link io.magnetar.tls.SocketStreamSslTransport} once the handshake is
 * done; {@link io.magnetar.tls.TlsSettings} reads the {@code tls.*} endpoint properties.
 */
@Export
@Version("1.2.0")
package io.magnetar.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
