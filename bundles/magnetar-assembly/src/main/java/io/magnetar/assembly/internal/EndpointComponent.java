package io.magnetar.assembly.internal;

import io.magnetar.api.DatagramProtocolFactory;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.TransportProvider;
import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.Readiness;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One configured endpoint. It serves while the transport and protocol services it names are both
 * present (for the {@code udp} transport the protocol is a {@link DatagramProtocolFactory} service, for
 * the others a {@link ProtocolFactory}), stops (draining) when either leaves, serves again on the same
 * port when they return, and rebinds on a configuration update. A stream endpoint whose protocol service
 * is replaced (a new service of the same name, or the old one leaving and a new one arriving within
 * {@code protocolGrace}, as in a bundle update) keeps its port bound and swaps the protocol behind it:
 * connections arriving meanwhile wait in the backlog, and nothing is refused. While serving it registers a
 * {@link Server} service carrying its bound address. A missing service or a bind error is visible in
 * {@link #state()} and the log.
 *
 * <p>Thread-safe: service events, configuration changes and server completions arrive on any thread
 * and are serialised by this object's lock; nothing blocks under it.
 */
@Component(
        configurationPid = EndpointSettings.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {EndpointStatus.class, Readiness.class})
@Designate(ocd = EndpointConfig.class, factory = true)
public final class EndpointComponent implements EndpointStatus, Readiness {

    private static final System.Logger LOG = System.getLogger(EndpointComponent.class.getName());

    private final ServiceSet<TransportProvider> transports = new ServiceSet<>(TransportProvider.TRANSPORT);
    private final ServiceSet<ProtocolFactory> protocols = new ServiceSet<>(ProtocolFactory.PROTOCOL);
    private final ServiceSet<DatagramProtocolFactory> datagramProtocols = new ServiceSet<>(ProtocolFactory.PROTOCOL);

    private BundleContext context;
    private EndpointSettings settings;
    private boolean active;
    private EndpointState state = EndpointState.WAITING;
    private String reason = "not activated";
    /** What runs, null when nothing does. */
    private EndpointRun running;

    private ServiceRegistration<?> registration;
    private CompletableFuture<Void> stopping;
    private int generation;
    /** The protocol left; the port stays bound until a replacement arrives or the grace passes. */
    private boolean retired;
    /**
     * Counts retirements: a grace timer acts only for the retirement that armed it, not a later one (nor one
     * after a stop and a new start: that is a retirement of its own, or none).
     */
    private int retirements;

    @Activate
    void activate(BundleContext context, EndpointConfig config, Map<String, Object> properties) {
        synchronized (this) {
            this.context = context;
            this.settings = EndpointSettings.from(config, properties);
            this.active = true;
            reconcile();
        }
    }

    @Modified
    void modified(EndpointConfig config, Map<String, Object> properties) {
        synchronized (this) {
            this.settings = EndpointSettings.from(config, properties);
            LOG.log(
                    Level.INFO,
                    "endpoint {0}: configuration updated to {1} {2} on {3}",
                    settings.name(),
                    settings.transport(),
                    settings.protocol(),
                    settings.address());
            reconcile();
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        CompletableFuture<Void> done;
        long boundMs;
        synchronized (this) {
            active = false;
            reconcile();
            done = stopping == null ? CompletableFuture.completedFuture(null) : stopping;
            boundMs = settings.closeTimeout().toMillis() + 5_000;
        }
        // Bounded: the server aborts what is left after closeTimeout, so this does not hang.
        done.get(boundMs, TimeUnit.MILLISECONDS);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTransport(TransportProvider service, Map<String, Object> properties) {
        transports.add(service, properties);
        changed();
    }

    void unbindTransport(TransportProvider service, Map<String, Object> properties) {
        transports.remove(properties);
        changed();
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindProtocol(ProtocolFactory service, Map<String, Object> properties) {
        protocols.add(service, properties);
        changed();
    }

    void unbindProtocol(ProtocolFactory service, Map<String, Object> properties) {
        protocols.remove(properties);
        changed();
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDatagramProtocol(DatagramProtocolFactory service, Map<String, Object> properties) {
        datagramProtocols.add(service, properties);
        changed();
    }

    void unbindDatagramProtocol(DatagramProtocolFactory service, Map<String, Object> properties) {
        datagramProtocols.remove(properties);
        changed();
    }

    private synchronized void changed() {
        if (active) {
            reconcile();
        }
    }

    /** Moves towards what the configuration and the present services ask for. Caller holds the lock. */
    private void reconcile() {
        if (stopping != null) {
            return; // reconciled again once the stop completes
        }
        ServiceSet.Entry<TransportProvider> t = active ? transports.best(settings.transport()) : null;
        boolean datagram = RunningEndpoint.isDatagram(settings.transport());
        ServiceSet.Entry<?> p = active ? bestProtocol(datagram) : null;
        String protocolKind = EndpointReports.protocolKind(datagram, settings.protocol());
        if (running != null) {
            if (running.keepsPort(t, settings) && (state == EndpointState.SERVING || retired)) {
                if (p != null && !running.serves(p)) {
                    replaceProtocol(p, protocolKind);
                    return;
                }
                if (p == null && !settings.protocolGrace().isZero()) {
                    retire(protocolKind);
                    return;
                }
            }
            if (running.startedFrom(t, p, settings)) {
                return;
            }
            stop(EndpointReports.stopReason(settings, active, t != null, p != null, protocolKind));
            return;
        }
        if (!active) {
            return;
        }
        if (t == null || p == null) {
            String why = EndpointReports.waitingReason(context, settings, t != null, p != null, protocolKind);
            if (state != EndpointState.WAITING || !why.equals(reason)) {
                LOG.log(Level.INFO, "endpoint {0} on {1}: {2}", settings.name(), settings.address(), why);
            }
            state = EndpointState.WAITING;
            reason = why;
            return;
        }
        start(t, p);
    }

    // started() logs a failed start and marks the endpoint FAILED.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void start(ServiceSet.Entry<TransportProvider> t, ServiceSet.Entry<?> p) {
        EndpointSettings s = settings;
        RunningEndpoint server = RunningEndpoint.create(s, t.service(), p.service());
        int gen = ++generation;
        running = new EndpointRun(server, s, t.id(), p.id());
        state = EndpointState.STARTING;
        reason = "";
        server.start().whenComplete((ok, error) -> started(gen, server, error));
    }

    // The close callback logs a failed close of the superseded server.
    @SuppressWarnings("FutureReturnValueIgnored")
    private synchronized void started(int gen, RunningEndpoint server, Throwable error) {
        if (gen != generation || running == null || running.server() != server) {
            String name = settings.name();
            server.close().whenComplete((v, e) -> logCloseFailure(name, e)); // superseded while binding
            return;
        }
        if (error != null) {
            Throwable cause = EndpointReports.startFailure(error);
            running = null;
            state = EndpointState.FAILED;
            reason = String.valueOf(cause.getMessage());
            LOG.log(
                    Level.ERROR,
                    "endpoint {0} cannot serve {1} over {2}: {3}",
                    settings.name(),
                    settings.protocol(),
                    settings.transport(),
                    reason);
            return;
        }
        state = EndpointState.SERVING;
        InetSocketAddress bound = server.address();
        Map<String, Object> props = EndpointReports.serviceProperties(settings, bound);
        registration = context.registerService(
                new String[] {Server.class.getName(), MetricSource.class.getName()},
                new ServedEndpoint(server, settings),
                FrameworkUtil.asDictionary(props));
        LOG.log(
                Level.INFO,
                "endpoint {0} serving {1} over {2} on {3}",
                settings.name(),
                settings.protocol(),
                settings.transport(),
                props.get(Server.ADDRESS));
    }

    /** A new protocol service behind the bound port; the old one's connections finish and close. */
    private void replaceProtocol(ServiceSet.Entry<?> p, String protocolKind) {
        running.replaceProtocol(p);
        retired = false;
        state = EndpointState.SERVING;
        reason = "";
        LOG.log(
                Level.INFO,
                "endpoint {0}: {1} replaced behind {2}; connections of the old one finish and close",
                settings.name(),
                protocolKind,
                address());
    }

    /** The protocol left: keep the port bound (clients wait in the backlog) for the grace period. */
    private void retire(String protocolKind) {
        if (retired) {
            return;
        }
        retired = true;
        running.server().retireProtocol();
        Duration grace = settings.protocolGrace();
        state = EndpointState.WAITING;
        reason = EndpointReports.retiredReason(context, settings, protocolKind);
        LOG.log(Level.INFO, "endpoint {0} on {1}: {2}", settings.name(), address(), reason);
        int retirement = ++retirements;
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> graceExpired(retirement, protocolKind));
    }

    private synchronized void graceExpired(int retirement, String protocolKind) {
        // A replacement then another departure within the grace re-arm it: only the latest timer counts.
        if (retirement == retirements && retired && running != null) {
            stop(EndpointReports.graceExpiredReason(settings, protocolKind));
        }
    }

    // The callback logs a failed close, then runs stopped(); deactivate() also waits on closing.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void stop(String why) {
        retired = false;
        RunningEndpoint server = running.server();
        running = null;
        generation++;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it with our bundle
            }
            registration = null;
        }
        state = EndpointState.STOPPING;
        reason = why;
        LOG.log(Level.INFO, "endpoint {0} stopping: {1}", settings.name(), why);
        CompletableFuture<Void> closing = server.close();
        stopping = closing;
        String name = settings.name();
        closing.whenComplete((v, e) -> {
            logCloseFailure(name, e);
            stopped(closing);
        });
    }

    /** Logs {@code error} when closing the server of endpoint {@code name} failed (null: it did not). */
    private static void logCloseFailure(String name, Throwable error) {
        if (error != null) {
            LOG.log(Level.WARNING, "endpoint " + name + ": closing its server failed", error);
        }
    }

    private synchronized void stopped(CompletableFuture<Void> closing) {
        if (stopping != closing) {
            return;
        }
        stopping = null;
        state = EndpointState.WAITING;
        reconcile();
    }

    @Override
    public synchronized String name() {
        return settings == null ? "?" : settings.name();
    }

    @Override
    public synchronized String transport() {
        return settings.transport();
    }

    @Override
    public synchronized String protocol() {
        return settings.protocol();
    }

    @Override
    public synchronized EndpointState state() {
        return state;
    }

    private ServiceSet.Entry<?> bestProtocol(boolean datagram) {
        return datagram ? datagramProtocols.best(settings.protocol()) : protocols.best(settings.protocol());
    }

    /**
     * The reason as of now. A waiting endpoint's names what would bring the missing service, and that changes
     * without an event of ours (a bundle installed but not resolved, a feature installed): worked out again
     * when read, so that a bundle deployed after the endpoint began waiting is named.
     */
    private String currentReason() {
        if (state != EndpointState.WAITING || !active || stopping != null) {
            return reason;
        }
        boolean datagram = RunningEndpoint.isDatagram(settings.transport());
        String protocolKind = EndpointReports.protocolKind(datagram, settings.protocol());
        if (retired) {
            return EndpointReports.retiredReason(context, settings, protocolKind);
        }
        if (running != null) {
            return reason;
        }
        boolean transport = transports.best(settings.transport()) != null;
        return EndpointReports.waitingReason(
                context, settings, transport, bestProtocol(datagram) != null, protocolKind);
    }

    @Override
    public synchronized List<String> notReady() {
        return state == EndpointState.SERVING
                ? List.of()
                : List.of("endpoint " + settings.name() + " is " + state + ": " + currentReason());
    }

    @Override
    public synchronized String reason() {
        return currentReason();
    }

    @Override
    public synchronized String address() {
        if (running != null && running.server().address() != null) {
            return EndpointReports.hostPort(running.server().address());
        }
        return settings.address();
    }

    @Override
    public synchronized int connections() {
        return running == null ? 0 : running.server().connections();
    }

    @Override
    public synchronized long requests() {
        return running == null ? 0 : running.server().requests();
    }

    @Override
    public synchronized Map<String, Object> info() {
        return EndpointReports.info(
                settings, address(), state, currentReason(), running == null ? null : running.server());
    }
}
