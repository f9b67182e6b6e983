package io.magnetar.protocol.http.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import org.osgi.service.component.annotations.Component;

/** The HTTP routes' metrics ({@link RouteMetrics}) for {@code /metrics} and JMX. Thread-safe. */
@Component(
        service = MetricSource.class,
        property = {MetricSource.JMX_TYPE + "=Http", MetricSource.JMX_NAME + "=routes"})
public final class HttpMetricsComponent implements MetricSource {

    @Override
    public void collect(MetricWriter out) {
        RouteMetrics.collectAll(out);
    }
}
