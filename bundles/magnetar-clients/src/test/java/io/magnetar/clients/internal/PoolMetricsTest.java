package io.magnetar.clients.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.metrics.MetricWriter;
import io.magnetar.clients.Pool;
import io.magnetar.protocols.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A pool is published while open, and its metrics follow its statistics. */
class PoolMetricsTest {

    @Test
    void aPoolIsWatchedFromBuiltToClosedAndItsMetricsFollowItsStatistics() {
        List<String> seen = new ArrayList<>();
        List<LivePools.Entry> live = new ArrayList<>();
        java.util.function.Consumer<LivePools.Entry> added = e -> {
            seen.add("+" + e.name());
            live.add(e);
        };
        java.util.function.Consumer<LivePools.Entry> removed = e -> seen.add("-" + e.name());
        LivePools.watch(added, removed);
        try {
            Pool pool = Pool.builder(() -> new CompletableFuture<Connection>())
                    .name("db")
                    .poolSize(3)
                    .build();
            pool.acquire(); // a connection being made, never completed
            Map<String, Double> values = collect(live.get(live.size() - 1));
            assertThat(values)
                    .containsEntry("pool_size{pool=db}", 3.0)
                    .containsEntry("pool_connecting{pool=db}", 1.0)
                    .containsEntry("pool_in_use{pool=db}", 0.0)
                    .containsKey("pool_acquire_timeouts_total{pool=db}");
            pool.close();
            assertThat(seen).containsSubsequence("+db", "-db");
        } finally {
            LivePools.unwatch(added, removed);
        }
    }

    private static Map<String, Double> collect(LivePools.Entry pool) {
        Map<String, Double> out = new LinkedHashMap<>();
        pool.metrics().collect(new MetricWriter() {
            @Override
            public void counter(String name, String help, double value, String... labels) {
                out.put(name + "{" + labels[0] + "=" + labels[1] + "}", value);
            }

            @Override
            public void gauge(String name, String help, double value, String... labels) {
                out.put(name + "{" + labels[0] + "=" + labels[1] + "}", value);
            }

            @Override
            public void histogram(
                    String name, String help, double[] upperBounds, long[] counts, double sum, String... labels) {}
        });
        return out;
    }
}
