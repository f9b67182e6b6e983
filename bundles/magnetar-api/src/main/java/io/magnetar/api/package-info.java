/**
 * The Magnetar contract: transports move bytes, protocols interpret them (PEP 3156 semantics).
 *
 * <p>Every transport and its protocol are confined to one {@link io.magnetar.api.EventLoop}: all
 * protocol callbacks run on that loop's thread, in order, never concurrently.
 */
@Export
@Version("1.3.0")
package io.magnetar.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
