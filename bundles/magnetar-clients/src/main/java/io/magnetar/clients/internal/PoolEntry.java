package io.magnetar.clients.internal;

import io.magnetar.protocols.Connection;

/**
 * One connection a pool owns, with the times the pool's rules need.
 *
 * <p>Not thread-safe: the mutable fields are guarded by the owning pool's lock.
 */
public final class PoolEntry {

    /** Where the entry is; every change happens under the pool's lock. */
    public enum State {
        IDLE,
        LEASED,
        GONE
    }

    private final Connection connection;
    private final long createdAt;
    private long idleSince;
    private State state = State.LEASED;
    private boolean detached;
    private boolean lost;

    public PoolEntry(Connection connection, long createdAt) {
        this.connection = connection;
        this.createdAt = createdAt;
    }

    public Connection connection() {
        return connection;
    }

    public long createdAt() {
        return createdAt;
    }

    public long idleSince() {
        return idleSince;
    }

    public State state() {
        return state;
    }

    /** Back in the pool, idle since {@code now}. */
    public void parked(long now) {
        state = State.IDLE;
        idleSince = now;
    }

    public void leased() {
        state = State.LEASED;
    }

    public void gone() {
        state = State.GONE;
    }

    /** Taken out of the pool by its borrower: its later loss is not the pool's business. */
    public void detach() {
        state = State.GONE;
        detached = true;
    }

    public boolean isDetached() {
        return detached;
    }

    /** The connection is gone (its {@code connectionLost} fired). */
    public void lost() {
        lost = true;
    }

    public boolean isLost() {
        return lost;
    }
}
