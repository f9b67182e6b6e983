package io.magnetar.metrics.internal;

import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.Readiness;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import io.magnetar.protocol.http.HttpWhiteboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The operator's view, from the whiteboard: every {@link MetricSource} at {@code GET /metrics} (Prometheus
 * text 0.0.4, or OpenMetrics when the scraper's {@code Accept} prefers it: {@link FormatNegotiation}) and
 * as MBeans; liveness at {@code GET /health}; readiness at {@code GET /health/ready}, 503 with what is not
 * ready while any {@link Readiness} names something or the process drains. Served on every http endpoint; also the Gogo
 * commands {@code magnetar:metrics} and {@code magnetar:health}.
 *
 * <p>Thread-safe: services come and go on any thread; requests run on the event loops (nothing here
 * blocks: collecting reads counters).
 */
@Component(
        service = {HttpHandler.class, MetricsComponent.class},
        immediate = true,
        property = {
            HttpWhiteboard.PATH + "=" + MetricsComponent.METRICS,
            HttpWhiteboard.PATH + "=" + MetricsComponent.HEALTH,
            HttpWhiteboard.PATH + "=" + MetricsComponent.READY,
            HttpWhiteboard.METHOD + "=GET",
            HttpWhiteboard.METHOD + "=HEAD",
            "osgi.command.scope=magnetar",
            "osgi.command.function=metrics",
            "osgi.command.function=health"
        })
public final class MetricsComponent implements HttpHandler {

    static final String METRICS = "/metrics";
    static final String HEALTH = "/health";
    static final String READY = "/health/ready";
    private static final String JSON = "application/json";

    /** Ordered by service ranking and id, so the exposition's order is stable. */
    private final Map<ServiceReference<?>, MetricSource> sources = new ConcurrentSkipListMap<>();

    private final Map<ServiceReference<?>, Readiness> readiness = new ConcurrentSkipListMap<>();
    private final Set<ServiceReference<?>> draining = ConcurrentHashMap.newKeySet();
    private final MBeans mbeans = new MBeans();

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSource(MetricSource source, ServiceReference<MetricSource> ref, Map<String, Object> properties) {
        sources.put(ref, source);
        mbeans.register(source, properties);
    }

    void unbindSource(MetricSource source, ServiceReference<MetricSource> ref) {
        sources.remove(ref);
        mbeans.unregister(source);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindReadiness(Readiness r, ServiceReference<Readiness> ref) {
        readiness.put(ref, r);
    }

    void unbindReadiness(Readiness r, ServiceReference<Readiness> ref) {
        readiness.remove(ref);
    }

    /** The launcher's mark that a SIGTERM drain has begun (a service of any type). */
    @Reference(
            service = Object.class,
            target = "(" + Readiness.DRAINING + "=true)",
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDraining(ServiceReference<Object> ref) {
        draining.add(ref);
    }

    void unbindDraining(ServiceReference<Object> ref) {
        draining.remove(ref);
    }

    @Deactivate
    void deactivate() {
        mbeans.unregisterAll();
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        switch (request.path()) {
            case METRICS -> {
                boolean open = FormatNegotiation.prefersOpenMetrics(request.headers("Accept"));
                // The body depends on Accept (RFC 9110 12.5.5), and a stored scrape is a stale one.
                return HttpResponse.builder(200)
                        .contentType(open ? TextExposition.OPENMETRICS_TYPE : TextExposition.PROMETHEUS_TYPE)
                        .header("Vary", "Accept")
                        .header("Cache-Control", "no-store")
                        .body(metrics(open))
                        .build();
            }
            case READY -> {
                List<String> notReady = notReady();
                return HttpResponse.builder(notReady.isEmpty() ? 200 : 503)
                        .contentType(JSON)
                        .header("Cache-Control", "no-store")
                        .body(readyJson(notReady))
                        .build();
            }
            default -> {
                return HttpResponse.builder(200)
                        .contentType(JSON)
                        .header("Cache-Control", "no-store")
                        .body("{\"status\":\"UP\"}\n")
                        .build();
            }
        }
    }

    /** Everything, as Prometheus text. Gogo: {@code magnetar:metrics}. */
    public String metrics() {
        return metrics(false);
    }

    /** Readiness, as {@code GET /health/ready} answers it. Gogo: {@code magnetar:health}. */
    public String health() {
        List<String> notReady = notReady();
        return (notReady.isEmpty() ? "READY" : "NOT READY:\n  " + String.join("\n  ", notReady)) + "\n";
    }

    String metrics(boolean openMetrics) {
        return TextExposition.render(new ArrayList<>(sources.values()), openMetrics);
    }

    /** What is not ready, the drain first; empty when ready. */
    List<String> notReady() {
        List<String> out = new ArrayList<>();
        if (!draining.isEmpty()) {
            out.add("draining: the process is stopping");
        }
        for (Readiness r : readiness.values()) {
            try {
                out.addAll(r.notReady());
            } catch (RuntimeException e) {
                out.add(r.getClass().getName() + " failed: " + e);
            }
        }
        return out;
    }

    static String readyJson(List<String> notReady) {
        StringBuilder b = new StringBuilder("{\"status\":\"")
                .append(notReady.isEmpty() ? "READY" : "NOT_READY")
                .append("\",\"notReady\":[");
        for (int i = 0; i < notReady.size(); i++) {
            b.append(i > 0 ? "," : "")
                    .append('"')
                    .append(jsonEscape(notReady.get(i)))
                    .append('"');
        }
        return b.append("]}\n").toString();
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
