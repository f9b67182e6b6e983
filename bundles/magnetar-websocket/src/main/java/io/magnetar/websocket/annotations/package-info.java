/** DS component property types for WebSocket handler authors; compile-time only. */
@Export
@Version("1.0.0")
package io.magnetar.websocket.annotations;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
