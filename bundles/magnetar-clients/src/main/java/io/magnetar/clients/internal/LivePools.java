package io.magnetar.clients.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The pools of this bundle not yet closed, so that {@code PoolMetricsComponent} can publish each as a metric
 * source without the pool's owner writing a line. A pool joins when built and leaves when closed.
 *
 * <p>Thread-safe. Changes are rare (a pool's life), reads rarer: copy-on-write.
 */
public final class LivePools {

    /** A pool seen from here: its name and the source of its metrics. */
    public interface Entry {
        String name();

        PoolMetrics metrics();
    }

    private static final List<Entry> POOLS = new CopyOnWriteArrayList<>();
    private static final List<Consumer<Entry>> ADDED = new CopyOnWriteArrayList<>();
    private static final List<Consumer<Entry>> REMOVED = new CopyOnWriteArrayList<>();

    private LivePools() {}

    public static void add(Entry pool) {
        POOLS.add(pool);
        ADDED.forEach(l -> l.accept(pool));
    }

    public static void remove(Entry pool) {
        if (POOLS.remove(pool)) {
            REMOVED.forEach(l -> l.accept(pool));
        }
    }

    /** Calls {@code added} for every live pool now and every pool built later, {@code removed} for each closed. */
    static void watch(Consumer<Entry> added, Consumer<Entry> removed) {
        ADDED.add(added);
        REMOVED.add(removed);
        POOLS.forEach(added);
    }

    static void unwatch(Consumer<Entry> added, Consumer<Entry> removed) {
        ADDED.remove(added);
        REMOVED.remove(removed);
    }
}
