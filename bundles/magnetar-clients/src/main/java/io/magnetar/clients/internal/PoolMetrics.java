package io.magnetar.clients.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import java.util.function.Supplier;

/**
 * One pool's {@code PoolStats} as metrics, labelled {@code pool}: gauges for what it holds now, counters
 * for what happened since it was built.
 *
 * <p>Thread-safe: each collection takes one snapshot of the pool's statistics.
 */
public final class PoolMetrics implements MetricSource {

    private final String name;
    private final Supplier<io.magnetar.clients.PoolStats> stats;

    public PoolMetrics(String name, Supplier<io.magnetar.clients.PoolStats> stats) {
        this.name = name;
        this.stats = stats;
    }

    @Override
    public void collect(MetricWriter out) {
        io.magnetar.clients.PoolStats s = stats.get();
        String[] l = {"pool", name};
        out.gauge("pool_size", "The most connections the pool holds at once.", s.poolSize(), l);
        out.gauge("pool_in_use", "Connections lent out now.", s.inUse(), l);
        out.gauge("pool_idle", "Idle connections now.", s.available(), l);
        out.gauge("pool_connecting", "Connections being made now.", s.connecting(), l);
        out.gauge("pool_pending", "Acquires waiting for a connection now.", s.pending(), l);
        out.counter("pool_connections_created_total", "Connections the pool made.", s.created(), l);
        out.counter("pool_connections_closed_total", "Connections the pool closed or found dead.", s.closed(), l);
        out.counter("pool_acquired_total", "Leases handed out.", s.acquired(), l);
        out.counter("pool_acquire_timeouts_total", "Acquires that found no free connection in time.", s.timedOut(), l);
        out.counter("pool_acquire_rejected_total", "Acquires refused at the pending limit.", s.rejected(), l);
        out.counter("pool_connect_failures_total", "Connection attempts that failed.", s.connectFailed(), l);
        out.counter("pool_evicted_total", "Idle connections closed by the evictor.", s.evicted(), l);
    }
}
