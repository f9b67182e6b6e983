package io.magnetar.protocol.resp.internal;

import java.util.function.ToIntFunction;

/**
 * The lists and hashes of a {@link Keyspace}: fetched by type ({@code WRONGTYPE} for another), made when a write
 * finds none, removed when emptied. A container that died (emptied, deleted, overwritten) refuses writes, and the
 * writer retries on what the key holds then, so a racing write is never lost with it.
 *
 * <p>Thread-safe, as its keyspace.
 */
final class Containers {

    private final Keyspace keyspace;

    Containers(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /**
     * {@code LPUSH}/{@code RPUSH}: pushes {@code values[0, n)} (kept, not copied) and returns the list's
     * new length; a new list when there is none.
     */
    int push(Key k, byte[][] values, int n, boolean left) {
        while (true) {
            ListValue list = list(k);
            if (list == null) {
                ListValue fresh = new ListValue(values, n, left, keyspace.used()); // counts its elements
                if (keyspace.addContainer(k, fresh)) {
                    return n;
                }
                keyspace.used().add(-fresh.bytes()); // another connection made the list first
                continue;
            }
            int size = list.push(values, n, left);
            if (size >= 0) {
                return size;
            }
            keyspace.removeContainer(k, list); // a dead list: help its popper remove it, then start a new one
        }
    }

    /**
     * {@code LPOP}/{@code RPOP}: pops up to {@code count} elements into {@code into} and returns how many,
     * or -1 when there is no list. A list popped empty is removed.
     */
    int pop(Key k, boolean left, long count, Elements into) {
        ListValue list = list(k);
        if (list == null) {
            return -1;
        }
        int n = list.pop(left, count, into);
        if (list.isDead()) {
            keyspace.removeContainer(k, list);
        }
        return n == 0 ? -1 : n;
    }

    /** The hash at {@code k}, or null when there is none; {@code WRONGTYPE} when the value is not a hash. */
    HashValue hash(Key k) {
        return typed(k, HashValue.class);
    }

    /**
     * Runs {@code write} on the hash at {@code k}, made when there is none; {@code write} answers -1 when the
     * hash it got died meanwhile (emptied, deleted), and runs again on what the key holds then.
     */
    int writeHash(Key k, ToIntFunction<HashValue> write) {
        while (true) {
            HashValue h = hash(k);
            if (h == null) {
                HashValue fresh = new HashValue(keyspace.used());
                if (!keyspace.addContainer(k, fresh)) {
                    continue; // another connection made it first
                }
                h = fresh;
            }
            int r = write.applyAsInt(h);
            if (r >= 0) {
                return r;
            }
            keyspace.removeContainer(k, h); // dead but still there: its last HDEL's connection removes it too
        }
    }

    /** After an {@code HDEL}: a hash left without fields leaves the keyspace. */
    void removeIfDead(Key k, HashValue h) {
        if (h.isDead()) {
            keyspace.removeContainer(k, h);
        }
    }

    /** The list at {@code k}, or null when there is none; {@code WRONGTYPE} when the value is not a list. */
    ListValue list(Key k) {
        return typed(k, ListValue.class);
    }

    private <T extends Container> T typed(Key k, Class<T> type) {
        Object v = keyspace.get(k);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw CommandError.WRONGTYPE;
    }
}
