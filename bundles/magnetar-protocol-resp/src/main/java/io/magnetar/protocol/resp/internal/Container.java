package io.magnetar.protocol.resp.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a list and a hash share as values that change in place: their share of the keyspace's memory estimate,
 * their count of changes (what {@code WATCH} compares, the object staying the same) and their death. A container
 * emptied, deleted or overwritten is <em>dead</em> and takes no more writes: the writer retries on what the key
 * holds now, so that an element written by a racing connection is never lost with it.
 *
 * <p>Thread-safe: every method synchronizes on the container; subclasses guard their fields by it too.
 */
abstract class Container {

    /** The keyspace's memory estimate: what is added counts into it, what is taken counts out. */
    private final LongAdder used;
    /** This container's share of it. */
    private long bytes;
    /** Writes so far. */
    private long changes;
    /** True once emptied or gone from the keyspace. */
    boolean dead;

    Container(LongAdder used) {
        this.used = used;
    }

    /** A write of {@code delta} bytes (negative: taken out): counted here and in the estimate. Holding the lock. */
    final void wrote(long delta) {
        bytes += delta;
        used.add(delta);
        changes++;
    }

    /**
     * Marks the container dead because it left the keyspace (deleted, overwritten) and returns its share of the
     * estimate, which the caller gives back.
     */
    final synchronized long kill() {
        dead = true;
        return bytes;
    }

    final synchronized long changes() {
        return changes;
    }

    final synchronized long bytes() {
        return bytes;
    }

    final synchronized boolean isDead() {
        return dead;
    }
}
