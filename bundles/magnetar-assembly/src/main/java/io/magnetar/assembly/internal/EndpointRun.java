package io.magnetar.assembly.internal;

import io.magnetar.api.TransportProvider;

/**
 * The server an endpoint started and what it was started from: the settings and the transport and
 * protocol service ids, so a reconcile can tell whether what it would start now is what runs, or whether
 * only the protocol changed and can be swapped behind the bound port. The protocol id follows a swap.
 *
 * <p>Not thread-safe: owned by one {@link EndpointComponent} and used only under its lock.
 */
final class EndpointRun {

    private final RunningEndpoint server;
    private final EndpointSettings settings;
    private final long transportId;
    private long protocolId;

    EndpointRun(RunningEndpoint server, EndpointSettings settings, long transportId, long protocolId) {
        this.server = server;
        this.settings = settings;
        this.transportId = transportId;
        this.protocolId = protocolId;
    }

    RunningEndpoint server() {
        return server;
    }

    /**
     * True when the port can stay bound through a protocol change: the same transport service and settings
     * as at the start, and a server whose protocol can be replaced.
     */
    boolean keepsPort(ServiceSet.Entry<TransportProvider> t, EndpointSettings now) {
        return t != null && t.id() == transportId && now.equals(settings) && server.canReplaceProtocol();
    }

    /** True when {@code p} is the protocol service it serves. */
    boolean serves(ServiceSet.Entry<?> p) {
        return p.id() == protocolId;
    }

    /** True when what would be started now, {@code t}, {@code p} and {@code now}, is what runs. */
    boolean startedFrom(ServiceSet.Entry<TransportProvider> t, ServiceSet.Entry<?> p, EndpointSettings now) {
        return t != null && p != null && t.id() == transportId && p.id() == protocolId && now.equals(settings);
    }

    /** New work goes to {@code p}'s protocol from now on; the old one's connections finish and close. */
    void replaceProtocol(ServiceSet.Entry<?> p) {
        server.replaceProtocol(p.service());
        protocolId = p.id();
    }
}
