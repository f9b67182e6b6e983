package io.magnetar.clients.internal;

import io.magnetar.api.metrics.MetricSource;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Publishes every live pool as a {@link MetricSource} service ({@code /metrics}, and the MBean
 * {@code io.magnetar:type=Pool,name=<pool>}), from the moment it is built until it is closed.
 *
 * <p>Thread-safe: pools come and go on any thread.
 */
@Component(
        immediate = true,
        service = {})
public final class PoolMetricsComponent {

    private final Map<LivePools.Entry, ServiceRegistration<MetricSource>> registered = new ConcurrentHashMap<>();
    private final Consumer<LivePools.Entry> added = this::publish;
    private final Consumer<LivePools.Entry> removed = this::withdraw;
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        LivePools.watch(added, removed);
    }

    @Deactivate
    void deactivate() {
        LivePools.unwatch(added, removed);
        registered.keySet().forEach(this::withdraw);
    }

    private void publish(LivePools.Entry pool) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(MetricSource.JMX_TYPE, "Pool");
        props.put(MetricSource.JMX_NAME, pool.name());
        registered.computeIfAbsent(pool, p -> context.registerService(MetricSource.class, p.metrics(), props));
    }

    private void withdraw(LivePools.Entry pool) {
        ServiceRegistration<MetricSource> r = registered.remove(pool);
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and took its services with it
            }
        }
    }
}
