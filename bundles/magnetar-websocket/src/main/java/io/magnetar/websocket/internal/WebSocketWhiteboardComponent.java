package io.magnetar.websocket.internal;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpWhiteboard;
import io.magnetar.websocket.WebSocketHandler;
import io.magnetar.websocket.WebSocketWhiteboard;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The WebSocket whiteboard: for each {@link WebSocketHandler} service, an {@link HttpHandler} service on
 * its path (GET, its endpoints and ranking) that performs the upgrade, so the HTTP whiteboard's rules
 * decide which handler a path reaches. Registers the built-in echo at {@code /ws/echo}, ranked below any
 * handler. Limits and deflate come from configuration {@code io.magnetar.websocket} and apply to
 * handlers registered after a change.
 *
 * <p>Thread-safe: service events arrive on any thread and are serialised by this object's lock.
 */
@Component(
        immediate = true,
        configurationPid = WebSocketWhiteboardComponent.PID,
        service = {})
@Designate(ocd = WebSocketWhiteboardComponent.Config.class)
public final class WebSocketWhiteboardComponent {

    static final String PID = "io.magnetar.websocket";
    static final String ECHO_PATH = "/ws/echo";

    @ObjectClassDefinition(name = "Magnetar WebSocket")
    @interface Config {
        @AttributeDefinition(description = "Largest frame payload, in bytes; larger closes with 1009")
        long maxFrameSize() default 1 << 20;

        @AttributeDefinition(description = "Largest message (after inflating), in bytes; larger closes with 1009")
        int maxMessageSize() default 1 << 20;

        @AttributeDefinition(description = "Negotiate permessage-deflate (RFC 7692) when the client offers it")
        boolean permessageDeflate() default true;
    }

    private static final System.Logger LOG = System.getLogger(WebSocketWhiteboardComponent.class.getName());

    private final Map<WebSocketHandler, Map<String, Object>> handlers = new LinkedHashMap<>();
    private final Map<WebSocketHandler, ServiceRegistration<HttpHandler>> registrations = new LinkedHashMap<>();
    private final EchoHandler echo = new EchoHandler();
    private BundleContext context;
    private WebSocketLimits limits = WebSocketLimits.DEFAULTS;
    private boolean deflate = true;

    @Activate
    synchronized void activate(BundleContext context, Config config) {
        this.context = context;
        this.limits = new WebSocketLimits(config.maxFrameSize(), config.maxMessageSize());
        this.deflate = config.permessageDeflate();
        Map<String, Object> echoProps = new LinkedHashMap<>();
        echoProps.put(WebSocketWhiteboard.PATH, ECHO_PATH);
        echoProps.put("service.ranking", Integer.MIN_VALUE);
        handlers.put(echo, echoProps);
        handlers.forEach(this::register);
    }

    @Deactivate
    synchronized void deactivate() {
        registrations.values().forEach(WebSocketWhiteboardComponent::unregister);
        registrations.clear();
        handlers.remove(echo);
        context = null;
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindHandler(WebSocketHandler handler, Map<String, Object> properties) {
        handlers.put(handler, properties);
        if (context != null) {
            register(handler, properties);
        }
    }

    synchronized void unbindHandler(WebSocketHandler handler, Map<String, Object> properties) {
        handlers.remove(handler);
        ServiceRegistration<HttpHandler> r = registrations.remove(handler);
        if (r != null) {
            unregister(r);
        }
    }

    private void register(WebSocketHandler handler, Map<String, Object> properties) {
        Object paths = properties.get(WebSocketWhiteboard.PATH);
        if (paths == null) {
            LOG.log(Level.WARNING, "WebSocket handler {0} has no {1}: not served", handler, WebSocketWhiteboard.PATH);
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(HttpWhiteboard.PATH, paths);
        props.put(HttpWhiteboard.METHOD, List.of("GET"));
        Object endpoint = properties.get(WebSocketWhiteboard.ENDPOINT);
        if (endpoint != null) {
            props.put(HttpWhiteboard.ENDPOINT, endpoint);
        }
        Object ranking = properties.get("service.ranking");
        props.put("service.ranking", ranking instanceof Integer ? ranking : 0);
        registrations.put(
                handler,
                context.registerService(
                        HttpHandler.class,
                        new UpgradeHandler(handler, limits, deflate),
                        FrameworkUtil.asDictionary(props)));
        LOG.log(Level.INFO, "WebSocket handler {0} on {1}", handler, paths);
    }

    private static void unregister(ServiceRegistration<HttpHandler> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with our bundle
        }
    }
}
