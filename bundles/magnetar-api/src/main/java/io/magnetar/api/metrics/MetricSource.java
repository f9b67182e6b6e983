package io.magnetar.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A set of metrics, registered as a service: every registered source is rendered at {@code /metrics},
 * with the names prefixed {@code magnetar_}, and becomes the MBean
 * {@code io.magnetar:type=}{@link #JMX_TYPE}{@code ,name=}{@link #JMX_NAME} when it has those properties.
 *
 * <p>{@link #collect} is called from any thread (a scrape, a JMX read), concurrently with the loops that
 * count: it reads the counters without locking (a value at most a moment old is fine) and must not block.
 */
@ConsumerType
public interface MetricSource {

    /** Service property: the MBean {@code type} key, for instance {@code Endpoint}. */
    String JMX_TYPE = "magnetar.jmx.type";

    /** Service property: the MBean {@code name} key, for instance the endpoint's name. */
    String JMX_NAME = "magnetar.jmx.name";

    /** Writes every metric of this source to {@code out}. */
    void collect(MetricWriter out);
}
