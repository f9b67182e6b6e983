package io.magnetar.assembly.internal;

import java.util.Set;
import java.util.StringJoiner;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Names the feature that would bring a missing transport or protocol service, for the "waiting for"
 * line of an endpoint. The Magnetar launcher publishes which feature of its {@code features.xml} brings
 * which service (property {@value #PROVIDES} of its command service, {@code protocol:http=magnetar-http});
 * elsewhere (Karaf) Magnetar's own features are named by convention. Thread-safe (stateless).
 */
final class FeatureHints {

    static final String PROVIDES = "magnetar.features.provides";
    private static final Set<String> SHIPPED = Set.of(
            "transport:tcp", "transport:tls", "transport:udp", "protocol:echo", "protocol:http", "protocol:resp");

    private FeatureHints() {}

    /** The bundles installed but not resolved (their imports unmet), as {@code name version}; empty if none. */
    static String unresolved(BundleContext context) {
        StringJoiner names = new StringJoiner(", ");
        try {
            for (Bundle b : context == null ? new Bundle[0] : context.getBundles()) {
                if (b.getState() == Bundle.INSTALLED) {
                    names.add(b.getSymbolicName() + " " + b.getVersion());
                }
            }
        } catch (IllegalStateException stopping) {
            // a stopping bundle's context: nothing to add
        }
        return names.toString();
    }

    /** {@code kind} is "transport" or "protocol"; the feature's name, or null when nothing names one. */
    static String featureFor(BundleContext context, String kind, String name) {
        String wanted = kind + ":" + name + "=";
        try {
            ServiceReference<?>[] refs =
                    context == null ? null : context.getServiceReferences((String) null, "(" + PROVIDES + "=*)");
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    Object value = ref.getProperty(PROVIDES);
                    for (String entry : value instanceof String[] a ? a : new String[] {String.valueOf(value)}) {
                        if (entry.startsWith(wanted)) {
                            return entry.substring(wanted.length());
                        }
                    }
                }
                return null; // the launcher's catalogue is authoritative where it exists
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // a stopping bundle's context: fall back to the convention
        }
        return SHIPPED.contains(kind + ":" + name) ? "magnetar-" + name : null;
    }

    /** The hint appended to a "waiting for" line. */
    static String hint(BundleContext context, String kind, String name) {
        String feature = featureFor(context, kind, name);
        if (feature == null) {
            String unresolved = unresolved(context);
            return "no known feature provides it: deploy a bundle that registers it"
                    + (unresolved.isEmpty()
                            ? ""
                            : "; installed but not resolved: " + unresolved + " (the log says why)");
        }
        return "feature " + feature + " provides it: magnetar:feature-install " + feature
                + " (in Karaf: feature:install " + feature + ")";
    }
}
