package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpWhiteboard;
import io.magnetar.protocol.http.Router;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One handler service as the whiteboard read it: its paths, methods, endpoints, ranking and id, and the
 * handler to route to (already wrapped to count requests in flight, or to run on the worker pool).
 * {@link #problem()} says why a registration is refused (a malformed path, say). Immutable.
 */
record Registration(
        long serviceId,
        int ranking,
        String bundle,
        List<String> paths,
        List<String> methods,
        List<String> endpoints,
        boolean blocking,
        Object handler,
        InFlight inFlight,
        String problem) {

    private static final io.magnetar.protocol.http.HttpHandler VALIDATE = request -> null;

    /** Reads {@code properties} of a handler service ({@code handler} an HttpHandler or AsyncHttpHandler). */
    static Registration of(Map<String, Object> properties, String bundle, Object handler, BlockingPool pool) {
        long id = properties.get("service.id") instanceof Number n ? n.longValue() : -1;
        int ranking = properties.get("service.ranking") instanceof Integer r ? r : 0;
        List<String> paths = strings(properties.get(HttpWhiteboard.PATH));
        List<String> methods = strings(properties.get(HttpWhiteboard.METHOD));
        List<String> endpoints = strings(properties.get(HttpWhiteboard.ENDPOINT));
        boolean blocking = Boolean.parseBoolean(String.valueOf(properties.get(HttpWhiteboard.BLOCKING)));
        String problem = null;
        if (paths.isEmpty()) {
            problem = "no " + HttpWhiteboard.PATH + " property";
        }
        for (String p : paths) {
            problem = problem != null ? problem : check(() -> Router.builder().route("GET", p, VALIDATE));
        }
        for (String m : methods) {
            problem = problem != null ? problem : check(() -> Router.builder().route(m, "/", VALIDATE));
        }
        if (blocking && !(handler instanceof io.magnetar.protocol.http.HttpHandler)) {
            problem = problem != null ? problem : HttpWhiteboard.BLOCKING + " is for HttpHandler services only";
        }
        InFlight inFlight = new InFlight();
        Object routed = blocking
                ? pool.wrap((io.magnetar.protocol.http.HttpHandler) handler, inFlight)
                : inFlight.wrap(handler);
        return new Registration(
                id,
                ranking,
                bundle,
                paths,
                methods.isEmpty() ? List.of(Router.ANY_METHOD) : methods,
                endpoints,
                blocking,
                routed,
                inFlight,
                problem);
    }

    /** True when this registration serves endpoint {@code name} ({@code null}: an endpoint without a name). */
    boolean serves(String name) {
        return endpoints.isEmpty() || (name != null && endpoints.contains(name));
    }

    /** Orders winners first: highest ranking, then lowest service id (the OSGi whiteboard rule). */
    static int compare(Registration a, Registration b) {
        if (a.ranking != b.ranking) {
            return Integer.compare(b.ranking, a.ranking);
        }
        return Long.compare(a.serviceId, b.serviceId);
    }

    private static String check(Runnable validation) {
        try {
            validation.run();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A String, String[] or Collection property as a list (OSGi allows all three; each must count). */
    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            out.add(s.trim());
        } else if (value instanceof String[] a) {
            Arrays.stream(a).map(String::trim).forEach(out::add);
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> out.add(String.valueOf(v).trim()));
        } else if (value != null) {
            out.add(String.valueOf(value).trim());
        }
        out.removeIf(String::isEmpty);
        return List.copyOf(out);
    }
}
