package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers each {@link MetricSource} that carries {@link MetricSource#JMX_TYPE} and {@link MetricSource#JMX_NAME}
 * as {@code io.magnetar:type=<type>,name=<name>} in the platform MBean server, and unregisters it when the
 * service leaves.
 *
 * <p>Thread-safe.
 */
final class MBeans {

    private static final System.Logger LOG = System.getLogger(MBeans.class.getName());

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Map<MetricSource, ObjectName> registered = new ConcurrentHashMap<>();

    void register(MetricSource source, Map<String, Object> properties) {
        Object type = properties.get(MetricSource.JMX_TYPE);
        Object name = properties.get(MetricSource.JMX_NAME);
        if (type == null || name == null) {
            return;
        }
        try {
            ObjectName objectName =
                    new ObjectName("io.magnetar:type=" + quoted(type.toString()) + ",name=" + quoted(name.toString()));
            server.registerMBean(new SourceMBean(source, "Magnetar " + type + " " + name), objectName);
            registered.put(source, objectName);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "cannot register the MBean of " + type + " " + name + ": " + e);
        }
    }

    void unregister(MetricSource source) {
        ObjectName name = registered.remove(source);
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            LOG.log(Level.DEBUG, "MBean " + name + " already gone: " + e);
        }
    }

    void unregisterAll() {
        registered.keySet().forEach(this::unregister);
    }

    /** A key property value as is when it is a plain word, else quoted (ObjectName's rules). */
    static String quoted(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(value);
            }
        }
        return value;
    }
}
