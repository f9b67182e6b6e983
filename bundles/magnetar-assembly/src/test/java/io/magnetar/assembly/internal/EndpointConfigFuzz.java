package io.magnetar.assembly.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * An endpoint file as an operator (or a broken editor) might write it: read as File Install reads a
 * {@code .cfg} (properties syntax), converted to {@link EndpointConfig} as Declarative Services converts
 * (a value that does not convert refuses the configuration), then {@link EndpointSettings#from}. Contract:
 * settings within their documented ranges, or an {@link IllegalArgumentException} naming what is wrong;
 * nothing else escapes.
 */
public class EndpointConfigFuzz {

    /** The endpoint's own keys, and a few another part of Magnetar, File Install or Config Admin sets. */
    private static final String[] KEYS = java.util.stream.Stream.concat(
                    EndpointSettings.OWN_KEYS_IN_ORDER.stream(), // this order decodes the kept inputs
                    java.util.stream.Stream.of("tls.certificate", "felix.fileinstall.filename", "service.pid"))
            .toArray(String[]::new);

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        StringBuilder file = new StringBuilder();
        while (data.remainingBytes() > 0) {
            if (data.consumeBoolean()) {
                file.append(data.pickValue(KEYS)).append(data.pickValue(new String[] {" = ", "=", ":", " "}));
            }
            file.append(data.consumeString(40)).append('\n');
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(file.toString()));
        } catch (IOException | IllegalArgumentException notProperties) {
            return; // File Install would not read it either (a malformed \\u escape)
        }
        Map<String, Object> properties = new HashMap<>();
        p.forEach((k, v) -> properties.put((String) k, v));
        EndpointConfig config;
        try {
            config = convert(properties);
        } catch (NumberFormatException refusedByDs) {
            return;
        }
        EndpointSettings s;
        try {
            s = EndpointSettings.from(config, properties);
        } catch (IllegalArgumentException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("refused without saying why", refused);
            }
            return;
        }
        check(!s.name().isBlank(), "a name", s);
        check(!s.protocol().isBlank() && s.protocol().equals(s.protocol().strip()), "a trimmed protocol", s);
        check(s.endpoint().port() >= 0 && s.endpoint().port() <= 65535, "a port", s);
        check(s.endpoint().backlog() >= 0, "a backlog", s);
        check(s.maxConnections() >= 0, "a connection limit", s);
        check(
                !s.keepAlive().isNegative()
                        && !s.closeTimeout().isNegative()
                        && !s.protocolGrace().isNegative(),
                "durations",
                s);
        s.keepAlive().toNanos(); // within the loop's nanosecond arithmetic
        s.closeTimeout().toNanos();
        s.protocolGrace().toNanos();
        EndpointSettings.masked(s.endpoint().properties());
    }

    private static void check(boolean ok, String what, EndpointSettings s) {
        if (!ok) {
            throw new AssertionError("settings without " + what + ": " + s);
        }
    }

    /** As DS converts a configuration to the component property type: strings parsed, defaults where absent. */
    private static EndpointConfig convert(Map<String, Object> properties) {
        Map<String, Object> values = new HashMap<>();
        for (Method m : EndpointConfig.class.getDeclaredMethods()) {
            Object raw = properties.get(m.getName());
            Class<?> t = m.getReturnType();
            if (raw == null) {
                values.put(m.getName(), m.getDefaultValue());
                continue;
            }
            String v = raw.toString().trim();
            values.put(
                    m.getName(),
                    t == int.class
                            ? Integer.valueOf(v)
                            : t == long.class ? Long.valueOf(v) : t == double.class ? Double.valueOf(v) : raw);
        }
        return (EndpointConfig) Proxy.newProxyInstance(
                EndpointConfig.class.getClassLoader(),
                new Class<?>[] {EndpointConfig.class},
                (proxy, method, args) -> values.get(method.getName()));
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
