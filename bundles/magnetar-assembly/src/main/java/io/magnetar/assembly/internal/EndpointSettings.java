package io.magnetar.assembly.internal;

import io.magnetar.api.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint configuration read once: a configuration update makes a new one (a full replacement,
 * never a merge). Immutable.
 */
record EndpointSettings(
        String name,
        String transport,
        String protocol,
        Endpoint endpoint,
        int maxConnections,
        long maxRequests,
        Duration keepAlive,
        Duration closeTimeout,
        Duration protocolGrace) {

    static final String FACTORY_PID = "io.magnetar.endpoint";
    /**
     * The keys the endpoint reads itself, in the order the metatype declares them; every other key goes to the
     * transport as an endpoint property.
     */
    static final List<String> OWN_KEYS_IN_ORDER = List.of(
            "name",
            "transport",
            "protocol",
            "host",
            "port",
            "backlog",
            "maxConnections",
            "keepAlive",
            "maxRequests",
            "closeTimeout",
            "protocolGrace");

    private static final Set<String> OWN_KEYS = Set.copyOf(OWN_KEYS_IN_ORDER);

    static EndpointSettings from(EndpointConfig c, Map<String, Object> properties) {
        String protocol = c.protocol() == null ? "" : c.protocol().strip();
        if (protocol.isEmpty()) {
            throw new IllegalArgumentException(
                    "endpoint configuration " + properties.get("service.pid") + " names no protocol");
        }
        Endpoint.Builder b = Endpoint.builder()
                .host(c.host().strip())
                .port(c.port())
                .backlog(c.backlog() < 0 ? SafeDefaults.backlog() : c.backlog());
        properties.forEach((k, v) -> {
            if (!OWN_KEYS.contains(k)
                    && !k.startsWith("service.")
                    && !k.startsWith("component.")
                    && !k.startsWith("felix.")
                    && !k.endsWith(".target")) {
                b.property(k, v);
            }
        });
        return new EndpointSettings(
                nameOf(c, properties),
                c.transport().strip(),
                protocol,
                b.build(),
                c.maxConnections() < 0 ? SafeDefaults.maxConnections() : c.maxConnections(),
                c.maxRequests(),
                seconds("keepAlive", c.keepAlive()),
                seconds("closeTimeout", c.closeTimeout()),
                seconds("protocolGrace", c.protocolGrace()));
    }

    /** A day: past it a timeout is a typo, and nanosecond arithmetic on it stays far from overflow. */
    private static final double MAX_SECONDS = 86_400;

    private static Duration seconds(String key, double s) {
        if (!(s >= 0 && s <= MAX_SECONDS)) { // NaN too
            throw new IllegalArgumentException(key + " must be between 0 and " + (long) MAX_SECONDS + " seconds: " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /**
     * The configured name, else the part after {@code io.magnetar.endpoint-} of the file, else the part after
     * the {@code ~} of the PID, else the PID: the first that is not blank.
     */
    private static String nameOf(EndpointConfig c, Map<String, Object> properties) {
        if (!c.name().isBlank()) {
            return c.name().strip();
        }
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            String f = file.toString();
            f = f.substring(f.lastIndexOf('/') + 1);
            if (f.startsWith(FACTORY_PID + "-") && f.endsWith(".cfg")) {
                String n = f.substring(FACTORY_PID.length() + 1, f.length() - 4);
                if (!n.isBlank()) {
                    return n.strip();
                }
            }
        }
        String pid = String.valueOf(properties.get("service.pid"));
        String afterTilde = pid.substring(pid.indexOf('~') + 1);
        return !afterTilde.isBlank() ? afterTilde.strip() : pid.isBlank() ? FACTORY_PID : pid.strip();
    }

    String address() {
        return endpoint.host() + ":" + endpoint.port();
    }

    /** The properties with every secret (a key naming a password, passphrase or secret) shown as {@code ****}. */
    static Map<String, Object> masked(Map<String, Object> properties) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        properties.forEach((k, v) -> {
            String key = k.toLowerCase(java.util.Locale.ROOT);
            boolean secret = key.contains("password") || key.contains("passphrase") || key.contains("secret");
            out.put(k, secret ? "****" : v);
        });
        return out;
    }
}
