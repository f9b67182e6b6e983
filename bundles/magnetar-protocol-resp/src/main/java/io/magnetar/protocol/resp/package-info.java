/**
 * RESP, the Redis serialization protocol. Client side (RESP2): {@link io.magnetar.protocol.resp.RedisClient}
 * on a pool of connections, each exchange a {@link io.magnetar.protocol.resp.RespClientConsumer}. Server
 * side: {@link io.magnetar.protocol.resp.RespServer} connections on an in-memory
 * {@link io.magnetar.protocol.resp.RespStore} (RESP2, and RESP3 after {@code HELLO 3}), within {@link io.magnetar.protocol.resp.RespServerLimits};
 * the bundle registers it as {@code magnetar.protocol=resp}.
 */
@Export
@Version("1.2.1")
package io.magnetar.protocol.resp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
