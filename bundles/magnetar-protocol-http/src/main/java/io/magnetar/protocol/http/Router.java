package io.magnetar.protocol.http;

import io.magnetar.protocol.http.internal.Ascii;
import io.magnetar.protocol.http.internal.ParsedRequest;
import io.magnetar.protocol.http.internal.RouteMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Routes a request to a handler by method and path (not percent-decoded, query ignored). A route's
 * path is exact ({@code /hello}) or a prefix ({@code /api/*} matches {@code /api} and everything under
 * {@code /api/}; {@code /*} matches every path); an exact route wins over a prefix, a longer prefix
 * over a shorter one. The chosen path answers {@code 405} with an {@code Allow} field for a method it
 * has no handler for; a method no route and no standard (RFC 9110 section 9) method names, or a standard
 * one in lower case, is {@code 501}; no matching path is {@code 404}. {@code HEAD} uses the {@code GET}
 * handler when it has none of its own, and the connection drops the body. Lookup works on the
 * request's bytes: no {@code String} per request.
 *
 * <p>Immutable, built with {@link #builder()}; one router serves every connection.
 */
public final class Router {

    /** The benchmark response of {@code GET /plaintext}. */
    public static final HttpResponse PLAINTEXT = HttpResponse.builder(200)
            .contentType("text/plain")
            .body("Hello, World!")
            .build();

    /** As a route's method: the route serves every method that has no route of its own on that path. */
    public static final String ANY_METHOD = "*";

    /** The methods of RFC 9110 section 9 and RFC 5789 (PATCH), the ones a server recognises. */
    static final List<String> STANDARD_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private static final HttpResponse NOT_FOUND = HttpResponse.text(404, "Not Found\n");
    private static final HttpHandler NOT_FOUND_HANDLER = request -> NOT_FOUND;
    private static final HttpResponse NOT_IMPLEMENTED = HttpResponse.text(501, "Not Implemented\n");
    private static final HttpHandler NOT_IMPLEMENTED_HANDLER = request -> NOT_IMPLEMENTED;
    private static final HttpResponse INFO = HttpResponse.text("Magnetar HTTP/1.1 server\nGET /plaintext\nGET /\n");
    private static final HttpHandler PLAINTEXT_HANDLER = request -> PLAINTEXT;
    private static final HttpHandler INFO_HANDLER = request -> INFO;
    private static final Router DEFAULTS = defaultRouter();

    private final PathRoutes[] table;
    private final int mask;
    /** Prefix routes, longest prefix first. */
    private final PathRoutes[] prefixes;

    private final byte[][] knownMethods;
    private final List<String> routes;
    private final HttpHandler optionsAsteriskHandler;

    private Router(Builder b) {
        int size = 8;
        while (size < b.paths.size() * 2) {
            size *= 2;
        }
        table = new PathRoutes[size];
        mask = size - 1;
        List<PathRoutes> prefixList = new ArrayList<>();
        List<String> all = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>(STANDARD_METHODS);
        for (Map.Entry<String, Map<String, Object>> e : b.paths.entrySet()) {
            PathRoutes p = new PathRoutes(e.getKey(), e.getValue());
            if (p.prefix) {
                prefixList.add(p);
            } else {
                int i = p.hash & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = p;
            }
            for (String method : e.getValue().keySet()) {
                all.add(method + " " + e.getKey());
                if (!method.equals(ANY_METHOD)) {
                    methods.add(method);
                }
            }
        }
        prefixList.sort(Comparator.comparingInt((PathRoutes p) -> p.path.length).reversed());
        prefixes = prefixList.toArray(PathRoutes[]::new);
        knownMethods = methods.stream()
                .map(m -> m.getBytes(StandardCharsets.ISO_8859_1))
                .toArray(byte[][]::new);
        routes = List.copyOf(all);
        Set<String> allow = new LinkedHashSet<>(List.of("GET", "HEAD", "OPTIONS"));
        for (Map<String, Object> byMethod : b.paths.values()) {
            allow.addAll(byMethod.keySet());
        }
        allow.remove(ANY_METHOD);
        HttpResponse optionsAsterisk = HttpResponse.builder(200)
                .header("Allow", String.join(", ", allow))
                .build();
        optionsAsteriskHandler = request -> optionsAsterisk;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The built-in routes of the {@code magnetar.protocol=http} service: {@code GET /plaintext} answers
     * {@code Hello, World!} as {@code text/plain} (the benchmark endpoint), {@code GET /} lists the routes.
     * Registered handlers may override them.
     */
    public static Router defaults() {
        return DEFAULTS;
    }

    private static Router defaultRouter() {
        return builder().defaults().build();
    }

    /** Every route as {@code METHOD path}, in the order they were added. */
    public List<String> routes() {
        return routes;
    }

    /** The {@link HttpHandler} or {@link AsyncHttpHandler} for {@code request}; never {@code null}. */
    Object find(ParsedRequest request) {
        PathRoutes p = exact(request);
        if (p == null) {
            for (PathRoutes candidate : prefixes) {
                if (request.pathUnder(candidate.path)) {
                    p = candidate;
                    break;
                }
            }
        }
        if (p != null) {
            Object handler = p.find(request);
            if (handler != null) {
                request.route(p.metrics);
                return handler;
            }
        }
        request.route(RouteMetrics.UNMATCHED);
        if (!isKnownMethod(request)) {
            return NOT_IMPLEMENTED_HANDLER;
        }
        return p != null ? p.notAllowed : NOT_FOUND_HANDLER;
    }

    /**
     * The handler for an asterisk-form request ({@code OPTIONS *}, RFC 9110 section 9.3.7): a route for
     * {@code *} if there is one, else 200 with every method this router serves. Null for any other method
     * with {@code *}: that request is malformed (400).
     */
    Object findAsterisk(ParsedRequest request) {
        if (!request.isOptions()) {
            return null;
        }
        PathRoutes p = exact(request);
        Object handler = p == null ? null : p.find(request);
        request.route(handler != null ? p.metrics : RouteMetrics.UNMATCHED);
        return handler != null ? handler : optionsAsteriskHandler;
    }

    private PathRoutes exact(ParsedRequest request) {
        int h = request.pathHash();
        for (int i = h & mask; ; i = (i + 1) & mask) {
            PathRoutes p = table[i];
            if (p == null) {
                return null;
            }
            if (p.hash == h && request.pathIs(p.path)) {
                return p;
            }
        }
    }

    private boolean isKnownMethod(ParsedRequest request) {
        for (byte[] m : knownMethods) {
            if (request.methodIs(m)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Router" + routes;
    }

    /** The routes of one path or prefix. */
    private static final class PathRoutes {
        final boolean prefix;
        /** The exact path, or the prefix without its {@code /*}. */
        final byte[] path;

        final int hash;
        final byte[][] methods;
        final Object[] handlers;
        final Object headFallback;
        /** The {@link #ANY_METHOD} route, or null. */
        final Object any;

        final HttpHandler notAllowed;
        final RouteMetrics metrics;

        PathRoutes(String pattern, Map<String, Object> byMethod) {
            this.metrics = RouteMetrics.of(pattern);
            this.prefix = pattern.endsWith("/*");
            String p = prefix ? pattern.substring(0, pattern.length() - 2) : pattern;
            this.path = p.getBytes(StandardCharsets.ISO_8859_1);
            this.hash = Ascii.hash(this.path, 0, this.path.length);
            any = byMethod.get(ANY_METHOD);
            int specific = byMethod.size() - (any == null ? 0 : 1);
            methods = new byte[specific][];
            handlers = new Object[specific];
            int i = 0;
            for (Map.Entry<String, Object> e : byMethod.entrySet()) {
                if (!e.getKey().equals(ANY_METHOD)) {
                    methods[i] = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                    handlers[i++] = e.getValue();
                }
            }
            headFallback = byMethod.containsKey("HEAD") ? null : byMethod.get("GET");
            List<String> allow = new ArrayList<>(byMethod.keySet());
            allow.remove(ANY_METHOD);
            if (headFallback != null) {
                allow.add("HEAD");
            }
            HttpResponse response = HttpResponse.builder(405)
                    .header("Allow", String.join(", ", allow))
                    .contentType("text/plain; charset=utf-8")
                    .body("Method Not Allowed\n")
                    .build();
            notAllowed = request -> response;
        }

        /** The handler for the request's method, or null. */
        Object find(ParsedRequest request) {
            for (int i = 0; i < methods.length; i++) {
                if (request.methodIs(methods[i])) {
                    return handlers[i];
                }
            }
            if (headFallback != null && request.isHead()) {
                return headFallback;
            }
            return any;
        }
    }

    /** Collects routes for a {@link Router}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, Object>> paths = new LinkedHashMap<>();

        private Builder() {}

        public Builder get(String path, HttpHandler handler) {
            return route("GET", path, handler);
        }

        public Builder post(String path, HttpHandler handler) {
            return route("POST", path, handler);
        }

        /**
         * Routes {@code method} (case-sensitive token, or {@link #ANY_METHOD}) on {@code path} to a handler that answers on the
         * loop. {@code path} starts with {@code /} (or is {@code *}), has no query, and is exact or, ending
         * in {@code /*}, a prefix.
         *
         * @throws IllegalArgumentException for a malformed method or path, or a route given twice
         */
        public Builder route(String method, String path, HttpHandler handler) {
            return add(method, path, Objects.requireNonNull(handler, "handler"));
        }

        /** Routes like {@link #route} to a handler that answers later. */
        public Builder routeAsync(String method, String path, AsyncHttpHandler handler) {
            return add(method, path, Objects.requireNonNull(handler, "handler"));
        }

        /** True when {@code method} on {@code path} has a route already. @since 1.1 */
        public boolean has(String method, String path) {
            Map<String, Object> byMethod = paths.get(path);
            return byMethod != null && byMethod.containsKey(method);
        }

        /**
         * Adds the built-in routes ({@code GET /plaintext}, {@code GET /}), each unless this builder has
         * that method and path already: routes added before override them. @since 1.1
         */
        public Builder defaults() {
            if (!has("GET", "/plaintext") && !has(ANY_METHOD, "/plaintext")) {
                route("GET", "/plaintext", PLAINTEXT_HANDLER);
            }
            if (!has("GET", "/") && !has(ANY_METHOD, "/")) {
                route("GET", "/", INFO_HANDLER);
            }
            return this;
        }

        private Builder add(String method, String path, Object handler) {
            checkMethod(method);
            checkPath(path);
            Map<String, Object> byMethod = paths.computeIfAbsent(path, p -> new LinkedHashMap<>());
            if (byMethod.putIfAbsent(method, handler) != null) {
                throw new IllegalArgumentException("route given twice: " + method + " " + path);
            }
            return this;
        }

        public Router build() {
            return new Router(this);
        }
    }

    private static void checkMethod(String method) {
        if (method.isEmpty() || !method.chars().allMatch(c -> c < 128 && Ascii.isTchar((byte) c))) {
            throw new IllegalArgumentException("not a method token: '" + method + "'");
        }
    }

    private static void checkPath(String path) {
        boolean visible = path.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '?');
        boolean starInside = path.indexOf('*') >= 0
                && !path.equals("*")
                && !(path.endsWith("/*") && path.indexOf('*') == path.length() - 1);
        if (!visible || !(path.startsWith("/") || path.equals("*")) || starInside) {
            throw new IllegalArgumentException("path must be '*', an exact path starting with / or a prefix ending "
                    + "in /*, in visible ASCII, without a query: '" + path + "'");
        }
    }
}
