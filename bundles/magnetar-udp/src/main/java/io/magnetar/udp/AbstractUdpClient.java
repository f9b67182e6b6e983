package io.magnetar.udp;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.protocols.EventHandler;
import io.magnetar.udp.internal.ForwardingDatagramProtocol;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pulsar's {@code AbstractUdpClient}: a client that talks through datagram endpoints it creates with
 * {@link #createDatagramEndpoint}, each with a new protocol from {@link #newProtocol()}. It keeps the
 * endpoints it made so that {@link #close()} ends them all.
 *
 * <p>Thread-safe. Each endpoint's protocol is confined to that endpoint's loop.
 *
 * @param <P> the protocol kind of this client's endpoints
 */
public abstract class AbstractUdpClient<P extends DatagramProtocol> extends EventHandler {

    private final TransportProvider transport;
    /** Each endpoint made and not yet lost, with a future that completes once it is lost and removed. */
    private final Map<ForwardingDatagramProtocol, CompletableFuture<Void>> endpoints = new ConcurrentHashMap<>();

    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean closed;

    /** A client over {@code transport}, a provider that does datagrams (for instance {@code udp}). */
    protected AbstractUdpClient(TransportProvider transport) {
        super(Set.of(), Set.of());
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** A fresh protocol for one endpoint; called once per {@link #createDatagramEndpoint}. */
    protected abstract P newProtocol();

    /**
     * An endpoint connected to {@code remote} from an ephemeral local port: its transport's
     * {@code sendTo(data, null)} goes to {@code remote}. Completes with the protocol after its
     * {@code connectionMade}.
     */
    public CompletableFuture<P> createDatagramEndpoint(InetSocketAddress remote) {
        return createDatagramEndpoint(remote, null);
    }

    /**
     * An endpoint bound to {@code local} (ephemeral when {@code null}) and, when {@code remote} is not
     * {@code null}, connected to it; with {@code remote == null} the endpoint is unconnected and names a
     * destination with every send. Completes with the protocol after its {@code connectionMade}.
     */
    // lost() never completes exceptionally; the callback's outcome is gone, which close() waits for.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<P> createDatagramEndpoint(InetSocketAddress remote, Endpoint local) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
        }
        if (remote == null && local == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("need a remote or a local address"));
        }
        P protocol = newProtocol();
        sessions.incrementAndGet();
        ForwardingDatagramProtocol tracked = new ForwardingDatagramProtocol(protocol);
        CompletableFuture<Void> gone = new CompletableFuture<>();
        endpoints.put(tracked, gone);
        tracked.lost().whenComplete((v, e) -> {
            endpoints.remove(tracked);
            gone.complete(null);
        });
        CompletableFuture<DatagramTransport> made = remote == null
                ? transport.bindDatagram(local, tracked)
                : transport.connectDatagram(remote, local, tracked);
        return made.handle((t, error) -> {
            if (error != null) {
                tracked.abort(); // never made: counts as lost
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            if (closed) {
                tracked.close(); // close() ran while this endpoint was being made
            }
            return protocol;
        });
    }

    /** Endpoints created so far. */
    public final int sessions() {
        return sessions.get();
    }

    /** Endpoints made whose protocol has not heard {@code connectionLost} yet. */
    public final int openEndpoints() {
        return endpoints.size();
    }

    /**
     * Closes every endpoint this client made, each after its queued datagrams went out; completes once
     * every protocol heard {@code connectionLost} (bounded: aborts what is left after 10 seconds).
     */
    public CompletableFuture<Void> close() {
        closed = true;
        endpoints.keySet().forEach(ForwardingDatagramProtocol::close);
        return CompletableFuture.allOf(endpoints.values().toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 10, TimeUnit.SECONDS)
                .thenRun(() -> endpoints.keySet().forEach(ForwardingDatagramProtocol::abort));
    }

    /** The provider this client's endpoints come from. */
    public final TransportProvider transportProvider() {
        return transport;
    }
}
