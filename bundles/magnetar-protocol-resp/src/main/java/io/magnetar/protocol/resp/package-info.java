/**
 * RESP2, the Redis serialization protocol, client side: {@link io.magnetar.protocol.resp.RedisClient}
 * on a pool of connections, each exchange a {@link io.magnetar.protocol.resp.RespClientConsumer}.
 */
@Export
@Version("1.0.0")
package io.magnetar.protocol.resp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
