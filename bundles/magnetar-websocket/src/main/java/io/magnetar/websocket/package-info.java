/**
 * WebSocket (RFC 6455) for Magnetar: {@link io.magnetar.websocket.WebSocketHandler} services upgraded
 * from any http endpoint, with permessage-deflate (RFC 7692).
 */
@Export
@Version("1.0.0")
package io.magnetar.websocket;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
