package io.magnetar.protocol.resp;

import io.magnetar.protocol.resp.internal.RespServerConnection;
import io.magnetar.protocols.Connection;

/**
 * The RESP server side: connections that answer redis commands from a {@link RespStore}, in RESP2, or in
 * RESP3 once a client asks with {@code HELLO 3} (as redis-py 8 does when it connects). Return one
 * from a {@code ProtocolFactory}, or give {@code () -> RespServer.newConnection(store)} to a
 * {@code TcpServer}; all connections made with one store share its keys.
 *
 * <p>Commands: {@code PING ECHO GET SET} (with {@code EX PX EXAT PXAT KEEPTTL NX XX GET}) {@code DEL EXISTS INCR
 * DECR INCRBY DECRBY MGET MSET SETNX SETEX PSETEX GETSET GETDEL APPEND STRLEN EXPIRE PEXPIRE} (with {@code NX XX
 * GT LT}) {@code TTL PTTL PERSIST TYPE LPUSH RPUSH LPOP RPOP LRANGE LLEN HSET HSETNX HMSET HGET HMGET HDEL HLEN HEXISTS
 * HINCRBY HGETALL HKEYS HVALS KEYS SCAN FLUSHALL FLUSHDB DBSIZE INFO COMMAND}, {@code CONFIG
 * GET}, {@code SELECT 0}, {@code QUIT}, {@code AUTH}, {@code HELLO}, {@code CLIENT ID|SETNAME|GETNAME|SETINFO} and {@code MULTI EXEC DISCARD WATCH
 * UNWATCH} (an {@code EXEC}'s commands run with no other client's in between), sent as arrays of bulk strings or inline; pipelined commands
 * are answered in order, the replies to one read in one write. Unknown commands and wrong arity are
 * answered with redis's error replies and the connection stays. Bytes that are not RESP, or a command
 * over the {@link RespServerLimits}, are answered {@code -ERR Protocol error: ...} and the connection is
 * closed; the reason is logged at DEBUG.
 *
 * <p>Thread-safe (static factory methods only); each connection is confined to its event loop.
 */
public final class RespServer {

    private RespServer() {}

    /** A server connection on {@code store} with {@link RespServerLimits#DEFAULTS}. */
    public static Connection newConnection(RespStore store) {
        return newConnection(store, RespServerLimits.DEFAULTS);
    }

    /** A server connection on {@code store} within {@code limits}. */
    public static Connection newConnection(RespStore store, RespServerLimits limits) {
        return RespServerConnection.create(store.keyspace(), store.stats(), limits);
    }
}
