package io.magnetar.protocol.http;

import io.magnetar.protocol.http.internal.Ascii;
import io.magnetar.protocol.http.internal.ParsedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Routes a request to a handler by method and exact path (not percent-decoded, query ignored).
 * A path with no route gets {@code 404}; a known path with another method gets {@code 405} with an
 * {@code Allow} field. {@code HEAD} uses the {@code GET} handler when it has none of its own, and the
 * connection drops the body. Lookup works on the request's bytes: no {@code String} per request.
 *
 * <p>Immutable, built with {@link #builder()}; one router serves every connection.
 */
public final class Router {

    /** The benchmark response of {@code GET /plaintext}. */
    public static final HttpResponse PLAINTEXT =
            HttpResponse.builder(200).contentType("text/plain").body("Hello, World!").build();

    private static final HttpResponse NOT_FOUND = HttpResponse.text(404, "Not Found\n");
    private static final HttpHandler NOT_FOUND_HANDLER = request -> NOT_FOUND;
    private static final Router DEFAULTS = defaultRouter();

    private final PathRoutes[] table;
    private final int mask;
    private final List<String> routes;

    private Router(Builder b) {
        int size = 8;
        while (size < b.paths.size() * 2) {
            size *= 2;
        }
        table = new PathRoutes[size];
        mask = size - 1;
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : b.paths.entrySet()) {
            PathRoutes p = new PathRoutes(e.getKey(), e.getValue());
            int i = p.hash & mask;
            while (table[i] != null) {
                i = (i + 1) & mask;
            }
            table[i] = p;
            for (String method : e.getValue().keySet()) {
                all.add(method + " " + e.getKey());
            }
        }
        routes = List.copyOf(all);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The router of the {@code magnetar.protocol=http} service: {@code GET /plaintext} answers
     * {@code Hello, World!} as {@code text/plain} (the benchmark endpoint), {@code GET /} lists the routes.
     */
    public static Router defaults() {
        return DEFAULTS;
    }

    private static Router defaultRouter() {
        HttpResponse info = HttpResponse.text("Magnetar HTTP/1.1 server\nGET /plaintext\nGET /\n");
        return builder().get("/plaintext", request -> PLAINTEXT).get("/", request -> info).build();
    }

    /** Every route as {@code METHOD path}, in the order they were added. */
    public List<String> routes() {
        return routes;
    }

    /** The {@link HttpHandler} or {@link AsyncHttpHandler} for {@code request}; never {@code null}. */
    Object find(ParsedRequest request) {
        int h = request.pathHash();
        for (int i = h & mask; ; i = (i + 1) & mask) {
            PathRoutes p = table[i];
            if (p == null) {
                return NOT_FOUND_HANDLER;
            }
            if (p.hash == h && request.pathIs(p.path)) {
                return p.find(request);
            }
        }
    }

    @Override
    public String toString() {
        return "Router" + routes;
    }

    /** The routes of one path. */
    private static final class PathRoutes {
        final byte[] path;
        final int hash;
        final byte[][] methods;
        final Object[] handlers;
        final Object headFallback;
        final HttpHandler notAllowed;

        PathRoutes(String path, Map<String, Object> byMethod) {
            this.path = path.getBytes(StandardCharsets.ISO_8859_1);
            this.hash = Ascii.hash(this.path, 0, this.path.length);
            methods = new byte[byMethod.size()][];
            handlers = new Object[byMethod.size()];
            int i = 0;
            for (Map.Entry<String, Object> e : byMethod.entrySet()) {
                methods[i] = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                handlers[i++] = e.getValue();
            }
            headFallback = byMethod.containsKey("HEAD") ? null : byMethod.get("GET");
            List<String> allow = new ArrayList<>(byMethod.keySet());
            if (headFallback != null) {
                allow.add("HEAD");
            }
            HttpResponse response = HttpResponse.builder(405).header("Allow", String.join(", ", allow))
                    .contentType("text/plain; charset=utf-8").body("Method Not Allowed\n").build();
            notAllowed = request -> response;
        }

        Object find(ParsedRequest request) {
            for (int i = 0; i < methods.length; i++) {
                if (request.methodIs(methods[i])) {
                    return handlers[i];
                }
            }
            return headFallback != null && request.isHead() ? headFallback : notAllowed;
        }
    }

    /** Collects routes for a {@link Router}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, Object>> paths = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder get(String path, HttpHandler handler) {
            return route("GET", path, handler);
        }

        public Builder post(String path, HttpHandler handler) {
            return route("POST", path, handler);
        }

        /**
         * Routes {@code method} (case-sensitive token) on exactly {@code path} (starts with {@code /},
         * or is {@code *}; no query) to a handler that answers on the loop.
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

        private Builder add(String method, String path, Object handler) {
            if (method.isEmpty() || !method.chars().allMatch(c -> c < 128 && Ascii.isTchar((byte) c))) {
                throw new IllegalArgumentException("not a method token: '" + method + "'");
            }
            boolean visible = path.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '?');
            if (!visible || !(path.startsWith("/") || path.equals("*"))) {
                throw new IllegalArgumentException("path must start with / (or be *), in visible ASCII, without a query: '"
                        + path + "'");
            }
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
}
