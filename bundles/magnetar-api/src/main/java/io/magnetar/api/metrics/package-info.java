/**
 * What the running server tells its operator, as a whiteboard: any bundle registers a
 * {@link io.magnetar.api.metrics.MetricSource} (counters, gauges, histograms) or a
 * {@link io.magnetar.api.metrics.Readiness} service, and {@code magnetar-metrics} serves them at
 * {@code GET /metrics} (Prometheus text), as JMX MBeans, at {@code GET /health/ready} and in Gogo.
 * Counting stays on the loops, without locks or allocation; only collecting (a scrape) allocates.
 */
@Export
@Version("1.0.0")
package io.magnetar.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
