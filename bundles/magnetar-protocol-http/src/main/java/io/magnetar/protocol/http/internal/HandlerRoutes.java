package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.AsyncHttpHandler;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.Router;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HTTP handler whiteboard: the handler services present, the http endpoints serving (by address),
 * and for each endpoint the {@link Router} their rules give (see {@code HttpWhiteboard}). A change builds
 * new routers and publishes them at once through one volatile field; requests read that field and scan
 * a few endpoints by port, without allocating.
 *
 * <p>Thread-safe: service events arrive on any thread and are serialised by this object's lock;
 * {@link #routerFor} takes no lock.
 */
public final class HandlerRoutes implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HandlerRoutes.class.getName());
    /** How long a leaving handler's running requests may take before its service goes anyway. */
    private static final long DRAIN_MILLIS = 10_000;

    private final Map<Long, Registration> handlers = new LinkedHashMap<>();
    private final Map<Long, EndpointAddress> endpoints = new LinkedHashMap<>();
    private final BlockingPool pool;
    private volatile Snapshot snapshot;
    /** Shadowed routes of the last build: "METHOD path" of service id, and on which endpoints by whom. */
    private Map<Long, List<String>> shadowed = Map.of();

    public HandlerRoutes(int blockingThreads, int blockingQueue) {
        this.pool = new BlockingPool(blockingThreads, blockingQueue);
        this.snapshot = build();
    }

    /** The router for a connection bound to {@code local}; never null. Called per request, on the loops. */
    public Router routerFor(InetSocketAddress local) {
        return snapshot.routerFor(local);
    }

    /** A handler service arrived ({@code handler} an HttpHandler or AsyncHttpHandler). */
    public void addHandler(Map<String, Object> properties, String bundle, Object handler) {
        Registration r = Registration.of(properties, bundle, handler, pool);
        synchronized (this) {
            handlers.put(r.serviceId(), r);
            snapshot = build();
            if (r.problem() != null) {
                LOG.log(
                        Level.WARNING,
                        "http handler service {0} of {1} not routed: {2}",
                        r.serviceId(),
                        bundle,
                        r.problem());
                return;
            }
            LOG.log(
                    Level.INFO,
                    "http route {0} {1} from {2} (service {3}, ranking {4}{5}) on {6}",
                    r.methods(),
                    r.paths(),
                    bundle,
                    r.serviceId(),
                    r.ranking(),
                    r.blocking() ? ", blocking" : "",
                    r.endpoints().isEmpty() ? "every http endpoint" : "endpoints " + r.endpoints());
            String mark = "service " + r.serviceId() + " ";
            for (List<String> lines : shadowed.values()) {
                lines.stream()
                        .filter(line -> line.contains(mark))
                        .forEach(line -> LOG.log(Level.WARNING, "http route shadowed: {0}", line));
            }
        }
    }

    /**
     * A handler service left: it gets no new request from now on, and this returns once the requests
     * it is running have completed (at most {@link #DRAIN_MILLIS}), so its component is not deactivated
     * under them. Removing one that is not there does nothing.
     */
    public void removeHandler(Map<String, Object> properties) {
        long id = properties.get("service.id") instanceof Number n ? n.longValue() : -1;
        Registration r;
        synchronized (this) {
            r = handlers.remove(id);
            if (r == null) {
                return;
            }
            snapshot = build();
        }
        LOG.log(Level.INFO, "http route {0} {1} of service {2} removed", r.methods(), r.paths(), id);
        try {
            if (!r.inFlight().awaitIdle(DRAIN_MILLIS)) {
                LOG.log(
                        Level.WARNING,
                        "http handler service {0} left with {1} requests still running after {2} ms",
                        id,
                        r.inFlight().running(),
                        DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An http endpoint serves on {@code address} under {@code name}. */
    public synchronized void addEndpoint(long serviceId, String name, InetSocketAddress address) {
        if (address != null) {
            endpoints.put(serviceId, new EndpointAddress(name, address.getAddress(), address.getPort()));
            snapshot = build();
        }
    }

    public synchronized void removeEndpoint(long serviceId) {
        if (endpoints.remove(serviceId) != null) {
            snapshot = build();
        }
    }

    /** One line per handler path: for {@code magnetar:routes}. */
    public synchronized List<RouteInfo> describe() {
        List<RouteInfo> out = new ArrayList<>();
        for (Registration r : handlers.values()) {
            for (String path : r.paths()) {
                out.add(new RouteInfo(
                        path,
                        r.methods(),
                        r.endpoints(),
                        r.bundle(),
                        r.serviceId(),
                        r.ranking(),
                        r.blocking(),
                        r.problem(),
                        shadowed.getOrDefault(r.serviceId(), List.of())));
            }
        }
        return out;
    }

    /** What {@code magnetar:routes} prints for one handler path. */
    public record RouteInfo(
            String path,
            List<String> methods,
            List<String> endpoints,
            String bundle,
            long serviceId,
            int ranking,
            boolean blocking,
            String problem,
            List<String> shadowed) {}

    private Snapshot build() {
        Map<Long, List<String>> shadows = new LinkedHashMap<>();
        TreeSet<String> names = new TreeSet<>();
        endpoints.values().forEach(e -> names.add(e.name()));
        Map<String, Router> byName = new LinkedHashMap<>();
        for (String name : names) {
            byName.put(name, routerFor(name, shadows));
        }
        Router unnamed = routerFor(null, shadows);
        EndpointAddress[] addresses = endpoints.values().toArray(EndpointAddress[]::new);
        Router[] routers = new Router[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            routers[i] = byName.get(addresses[i].name());
        }
        shadowed = shadows;
        return new Snapshot(addresses, routers, unnamed);
    }

    /** The router of endpoint {@code name} (null: an endpoint we do not know by name). */
    private Router routerFor(String name, Map<Long, List<String>> shadows) {
        List<Registration> serving = new ArrayList<>();
        for (Registration r : handlers.values()) {
            if (r.problem() == null && r.serves(name)) {
                serving.add(r);
            }
        }
        serving.sort(Registration::compare);
        Router.Builder b = Router.builder();
        Map<String, Registration> winners = new LinkedHashMap<>();
        for (Registration r : serving) {
            for (String path : r.paths()) {
                for (String method : r.methods()) {
                    String key = method + " " + path;
                    Registration winner = winners.get(key);
                    if (winner != null) {
                        if (winner.serviceId() != r.serviceId()) {
                            String line = key + " of service " + r.serviceId() + " shadowed by service "
                                    + winner.serviceId() + " (ranking " + winner.ranking() + ")";
                            List<String> lines = shadows.computeIfAbsent(r.serviceId(), k -> new ArrayList<>());
                            if (!lines.contains(line)) {
                                lines.add(line);
                            }
                        }
                        continue;
                    }
                    winners.put(key, r);
                    if (r.handler() instanceof HttpHandler h) {
                        b.route(method, path, h);
                    } else {
                        b.routeAsync(method, path, (AsyncHttpHandler) r.handler());
                    }
                }
            }
        }
        return b.defaults().build();
    }

    @Override
    public void close() {
        pool.close();
    }

    private record EndpointAddress(String name, InetAddress host, int port) {
        boolean matches(InetSocketAddress local) {
            return local.getPort() == port && (host.isAnyLocalAddress() || host.equals(local.getAddress()));
        }
    }

    /** One published state. Immutable. */
    // The arrays are filled in build() and never written again; equals and hashCode are never used.
    @SuppressWarnings("ArrayRecordComponent")
    private record Snapshot(EndpointAddress[] addresses, Router[] routers, Router unnamed) {
        Router routerFor(InetSocketAddress local) {
            if (local != null) {
                for (int i = 0; i < addresses.length; i++) {
                    if (addresses[i].matches(local)) {
                        return routers[i];
                    }
                }
            }
            return unnamed;
        }
    }
}
