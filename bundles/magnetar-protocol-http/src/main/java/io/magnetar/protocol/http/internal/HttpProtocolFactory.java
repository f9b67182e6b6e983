package io.magnetar.protocol.http.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.protocol.http.AsyncHttpHandler;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.HttpWhiteboard;
import io.magnetar.protocol.http.Router;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code magnetar.protocol=http} service and its handler whiteboard: one HTTP/1.1 connection per
 * accepted socket, routing each request by the {@link HttpHandler} and {@link AsyncHttpHandler} services
 * present (see {@link HttpWhiteboard}) over the built-in {@code GET /plaintext} and {@code GET /},
 * within the configured limits (PID {@code io.magnetar.protocol.http}; a change applies to new
 * connections). It follows the {@link Server} services of http endpoints to know which endpoint a
 * connection belongs to. Thread-safe.
 */
@Component(
        configurationPid = HttpProtocolFactory.PID,
        service = ProtocolFactory.class,
        property = ProtocolFactory.PROTOCOL + "=http")
@Designate(ocd = HttpProtocolFactory.Config.class)
public final class HttpProtocolFactory implements ProtocolFactory {

    static final String PID = "io.magnetar.protocol.http";

    @ObjectClassDefinition(name = "Magnetar HTTP/1.1 server limits")
    @interface Config {
        @AttributeDefinition(description = "Longest request line with its CRLF, in bytes; longer is a 414")
        int maxRequestLine() default HttpLimits.DEFAULT_MAX_REQUEST_LINE;

        @AttributeDefinition(description = "Largest header section, in bytes; larger is a 431")
        int maxHeaderBytes() default HttpLimits.DEFAULT_MAX_HEADER_BYTES;

        @AttributeDefinition(description = "Most header fields; more is a 431")
        int maxHeaderCount() default HttpLimits.DEFAULT_MAX_HEADER_COUNT;

        @AttributeDefinition(description = "Largest request body, in bytes; larger is a 413")
        int maxBody() default HttpLimits.DEFAULT_MAX_BODY;

        @AttributeDefinition(description = "Milliseconds a request head may take to arrive; slower is 408 and closed")
        long headerTimeoutMillis() default 10_000;

        @AttributeDefinition(description = "Seconds an idle keep-alive connection is kept (nginx keepalive_timeout)")
        double keepAliveTimeout() default 75;

        @AttributeDefinition(
                description = "Seconds a request body may stop arriving before 408 and close "
                        + "(nginx client_body_timeout)")
        double bodyTimeout() default 60;
    }

    /** Blocking handlers running at once, and requests waiting for one (more are answered 503). */
    static final int BLOCKING_THREADS = 32;

    static final int BLOCKING_QUEUE = 256;

    private volatile HttpLimits limits = HttpLimits.defaults();
    private final HandlerRoutes routes = new HandlerRoutes(BLOCKING_THREADS, BLOCKING_QUEUE);
    private final Function<InetSocketAddress, Router> routerLookup = routes::routerFor;

    @Activate
    @Modified
    void configure(Config config) {
        limits = HttpLimits.builder()
                .maxRequestLine(config.maxRequestLine())
                .maxHeaderBytes(config.maxHeaderBytes())
                .maxHeaderCount(config.maxHeaderCount())
                .maxBody(config.maxBody())
                .headerTimeout(Duration.ofMillis(config.headerTimeoutMillis()))
                .keepAliveTimeout(seconds(config.keepAliveTimeout()))
                .bodyTimeout(seconds(config.bodyTimeout()))
                .build();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    @Deactivate
    void deactivate() {
        routes.close();
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHandler(ServiceReference<HttpHandler> ref, HttpHandler handler, Map<String, Object> properties) {
        routes.addHandler(properties, bundleOf(ref), handler);
    }

    void unbindHandler(ServiceReference<HttpHandler> ref, HttpHandler handler, Map<String, Object> properties) {
        routes.removeHandler(properties);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAsyncHandler(
            ServiceReference<AsyncHttpHandler> ref, AsyncHttpHandler handler, Map<String, Object> properties) {
        routes.addHandler(properties, bundleOf(ref), handler);
    }

    void unbindAsyncHandler(
            ServiceReference<AsyncHttpHandler> ref, AsyncHttpHandler handler, Map<String, Object> properties) {
        routes.removeHandler(properties);
    }

    /** The endpoints serving http: which local address is which endpoint. */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ProtocolFactory.PROTOCOL + "=http)")
    void bindServer(Server server, Map<String, Object> properties) {
        Object name = properties.get(HttpWhiteboard.ENDPOINT);
        routes.addEndpoint(serviceId(properties), name == null ? null : name.toString(), server.localAddress());
    }

    void unbindServer(Server server, Map<String, Object> properties) {
        routes.removeEndpoint(serviceId(properties));
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get("service.id") instanceof Number n ? n.longValue() : -1;
    }

    private static String bundleOf(ServiceReference<?> ref) {
        var bundle = ref.getBundle();
        return bundle == null ? "?" : bundle.getSymbolicName() + " " + bundle.getVersion();
    }

    /** The whiteboard, for {@code magnetar:routes}. */
    public HandlerRoutes routes() {
        return routes;
    }

    /** The limits new connections get. */
    public HttpLimits limits() {
        return limits;
    }

    @Override
    public Protocol newProtocol() {
        return HttpServerConsumer.newConnection(routerLookup, limits);
    }
}
