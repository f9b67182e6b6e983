/**
 * pulsar's producers: {@link io.magnetar.producers.Producer} counts sessions and requests;
 * {@link io.magnetar.producers.TcpServer} serves a protocol on a listening socket.
 */
@Export
@Version("1.3.0")
package io.magnetar.producers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
