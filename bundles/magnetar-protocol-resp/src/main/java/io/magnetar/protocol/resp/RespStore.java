package io.magnetar.protocol.resp;

import io.magnetar.protocol.resp.internal.Keyspace;
import io.magnetar.protocol.resp.internal.ServerStats;

/**
 * The in-memory data of a RESP server, in the spirit of pulsar's own data store: one keyspace of
 * strings, counters and lists, shared by every connection made with it through
 * {@link RespServer#newConnection(RespStore, RespServerLimits)}, with the counters {@code INFO} reports.
 * Nothing is persisted. Keys with a time to live ({@code SET ... EX}) are removed when a command finds
 * them expired, or by {@link #removeExpired()}, which the owner may call periodically.
 *
 * <p>Thread-safe: connections on several event loops use one store at once; each command is atomic on
 * its key, and the commands of a {@code MULTI ... EXEC} run with no other connection's commands in between
 * (calls of this class's methods are not held back by a transaction).
 */
public final class RespStore {

    private final Keyspace keyspace = new Keyspace();
    private final ServerStats stats = new ServerStats();

    /** Keys stored (expired ones not yet removed included, as redis's {@code DBSIZE}). */
    public int size() {
        return keyspace.size();
    }

    /** Removes every key ({@code FLUSHALL}). */
    public void clear() {
        keyspace.clear();
    }

    /** Removes the keys whose time to live has passed; returns how many. Cheap when no key has one. */
    public int removeExpired() {
        return keyspace.removeExpired();
    }

    /** Connections open on this store now. */
    public int connections() {
        return stats.connectedClients();
    }

    /** Commands answered on this store's connections so far, errors included. */
    public long commandsProcessed() {
        return stats.commandsProcessed();
    }

    /**
     * Estimated bytes of the stored keys and values, what {@link #maxMemory(long)} is checked against.
     *
     * @since 1.2
     */
    public long usedMemory() {
        return keyspace.usedMemory();
    }

    /**
     * redis's {@code maxmemory}: past it, commands that add data ({@code SET}, {@code INCR}, {@code LPUSH} ...)
     * get {@code -OOM command not allowed when used memory > 'maxmemory'.} while reads and deletes are still
     * served. Default a quarter of the JVM's maximum heap; 0 means no limit.
     *
     * @since 1.2
     */
    public void maxMemory(long bytes) {
        keyspace.maxMemory(bytes);
    }

    /**
     * Bytes all connections together may hold of commands still arriving (redis's
     * {@code client-query-buffer-limit}, for all clients at once); a connection that would pass it is
     * refused and closed. Default a quarter of the JVM's maximum heap; 0 means no limit.
     *
     * @since 1.2
     */
    public void maxClientInput(long bytes) {
        keyspace.maxClientInput(bytes);
    }

    /**
     * redis's {@code requirepass}: every command but {@code AUTH} and {@code QUIT} gets
     * {@code -NOAUTH Authentication required.} until the connection sends {@code AUTH password}. Null or
     * empty: no authentication (the default).
     *
     * @since 1.2
     */
    public void requirePass(String password) {
        keyspace.requirePass(password);
    }

    Keyspace keyspace() {
        return keyspace;
    }

    ServerStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "RespStore[" + size() + " keys, " + connections() + " connections]";
    }
}
