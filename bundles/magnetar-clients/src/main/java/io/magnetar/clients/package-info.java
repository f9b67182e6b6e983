/**
 * pulsar's clients: {@link io.magnetar.clients.AbstractClient} makes client connections over any
 * {@link io.magnetar.api.TransportProvider}; {@link io.magnetar.clients.Pool} shares a bounded set of
 * them, each borrowed as a {@link io.magnetar.clients.PoolConnection}.
 */
@Export
@Version("1.0.0")
package io.magnetar.clients;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
