package io.magnetar.assembly.internal;

import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.TransportProvider;
import io.magnetar.api.metrics.MetricSource;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.osgi.framework.BundleContext;

/**
 * What an {@link EndpointComponent} says about itself, built from its state: the reasons shown by
 * {@link EndpointStatus#reason()} and logged, the properties of its {@link Server} service and its
 * {@link EndpointStatus#info()} map. Kept apart from the component so its state machine reads as
 * decisions, not text. Stateless: each method is a function of its arguments, which the component reads
 * under its lock.
 */
final class EndpointReports {

    private EndpointReports() {}

    /** How the reasons and the log name the protocol service an endpoint needs. */
    static String protocolKind(boolean datagram, String protocol) {
        return (datagram ? "datagram protocol '" : "protocol '") + protocol + "'";
    }

    /** Why a running endpoint stops: the service that left, else a change, else its deactivation. */
    static String stopReason(
            EndpointSettings settings,
            boolean active,
            boolean transportPresent,
            boolean protocolPresent,
            String protocolKind) {
        return !transportPresent && active
                ? "transport '" + settings.transport() + "' left"
                : !protocolPresent && active
                        ? protocolKind + " left"
                        : active ? "configuration or services changed" : "endpoint deactivated";
    }

    /** Why an endpoint waits: the services missing, with the feature that would bring the first of them. */
    static String waitingReason(
            BundleContext context,
            EndpointSettings settings,
            boolean transportPresent,
            boolean protocolPresent,
            String protocolKind) {
        String missing = (!transportPresent ? "transport '" + settings.transport() + "'" : "")
                + (!transportPresent && !protocolPresent ? " and " : "")
                + (!protocolPresent ? protocolKind : "");
        return "waiting for " + missing + " service ("
                + (!transportPresent
                        ? FeatureHints.hint(context, "transport", settings.transport())
                        : FeatureHints.hint(context, "protocol", settings.protocol()))
                + ")";
    }

    /** Why an endpoint whose protocol left waits with its port bound. */
    static String retiredReason(BundleContext context, EndpointSettings settings, String protocolKind) {
        return "waiting for " + protocolKind + " service; port kept bound for "
                + settings.protocolGrace().toMillis() / 1000.0
                + " s, clients wait in the backlog (" + FeatureHints.hint(context, "protocol", settings.protocol())
                + ")";
    }

    /** Why an endpoint whose protocol left stops once the grace has passed. */
    static String graceExpiredReason(EndpointSettings settings, String protocolKind) {
        return protocolKind + " left and no replacement came within "
                + settings.protocolGrace().toMillis() / 1000.0 + " s";
    }

    /** What a failed start reports: the bind error, not the {@link CompletionException} around it. */
    static Throwable startFailure(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** {@code host:port}, the host as a literal address. */
    static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The properties of the {@link Server} and {@link MetricSource} service of an endpoint bound to {@code bound}. */
    static Map<String, Object> serviceProperties(EndpointSettings settings, InetSocketAddress bound) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("magnetar.endpoint", settings.name());
        props.put(Server.ADDRESS, hostPort(bound));
        props.put("magnetar.port", bound.getPort());
        props.put(TransportProvider.TRANSPORT, settings.transport());
        props.put(ProtocolFactory.PROTOCOL, settings.protocol());
        props.put(MetricSource.JMX_TYPE, "Endpoint");
        props.put(MetricSource.JMX_NAME, settings.name());
        return props;
    }

    /** The {@link EndpointStatus#info()} map; {@code running} null when no server runs. */
    static Map<String, Object> info(
            EndpointSettings settings, String address, EndpointState state, String reason, RunningEndpoint running) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", settings.name());
        info.put("transport", settings.transport());
        info.put("protocol", settings.protocol());
        info.put("address", address);
        info.put("state", state);
        info.put("reason", reason);
        if (RunningEndpoint.isDatagram(settings.transport())) {
            info.put("maxRequests", settings.maxRequests());
        } else {
            info.put("maxConnections", settings.maxConnections());
            info.put("backlog", settings.endpoint().backlog());
            info.put("keepAlive", settings.keepAlive().toMillis() / 1000.0);
            info.put("protocolGrace", settings.protocolGrace().toMillis() / 1000.0);
        }
        info.put("properties", EndpointSettings.masked(settings.endpoint().properties()));
        if (running != null) {
            info.putAll(running.info());
        }
        return info;
    }
}
