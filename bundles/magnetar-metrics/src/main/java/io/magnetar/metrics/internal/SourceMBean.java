package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;

/**
 * A {@link MetricSource} as a read-only MBean: one {@code Double} attribute per metric ({@link FlatMetrics}),
 * read afresh at each call, so jconsole, hawtio and Karaf's JMX see the counters move.
 *
 * <p>Thread-safe: every call collects anew.
 */
final class SourceMBean implements DynamicMBean {

    private final MetricSource source;
    private final String description;

    SourceMBean(MetricSource source, String description) {
        this.source = source;
        this.description = description;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Double v = FlatMetrics.of(source).values.get(attribute);
        if (v == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return v;
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Double> all = FlatMetrics.of(source).values;
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            Double v = all.get(a);
            if (v != null) {
                list.add(new Attribute(a, v));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        FlatMetrics f = FlatMetrics.of(source);
        MBeanAttributeInfo[] attributes = f.values.keySet().stream()
                .map(k -> new MBeanAttributeInfo(k, Double.class.getName(), f.help.get(k), true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(SourceMBean.class.getName(), description, attributes, null, null, null);
    }
}
