/**
 * NIO {@link java.nio.channels.Selector} event loops: what transport bundles register channels with.
 */
@Export
@Version("1.1.0")
package io.magnetar.loop;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
