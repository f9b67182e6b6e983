package io.magnetar.clients;

/**
 * A consistent snapshot of one {@link Pool}'s gauges and counters, taken under the pool's lock.
 *
 * <p>Immutable.
 *
 * @param poolSize      the most connections the pool holds (in use, idle and being made)
 * @param inUse         connections lent out now
 * @param available     idle connections now
 * @param connecting    connections being made now
 * @param pending       acquires waiting now
 * @param created       connections made so far
 * @param closed        connections the pool closed or found dead (detached ones excluded)
 * @param acquired      leases handed out so far
 * @param timedOut      acquires that failed because no connection became free in time
 * @param rejected      acquires refused because the pending limit was reached
 * @param connectFailed connection attempts that failed
 * @param evicted       idle connections closed by the evictor (included in {@code closed})
 * @param detached      connections taken out of the pool with {@link PoolConnection#detach()}
 */
public record PoolStats(
        int poolSize,
        int inUse,
        int available,
        int connecting,
        int pending,
        long created,
        long closed,
        long acquired,
        long timedOut,
        long rejected,
        long connectFailed,
        long evicted,
        long detached) {}
