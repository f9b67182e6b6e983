package io.magnetar.clients;

import io.magnetar.api.Endpoint;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.producers.Producer;
import io.magnetar.protocols.Connection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A producer of client connections (pulsar's {@code AbstractClient}): {@link #createConnection}
 * connects through any {@link TransportProvider} (plain Java: {@code new TcpTransportProvider(group)};
 * OSGi: the {@code magnetar.transport=tcp} service) within the connect timeout of its options, and
 * counts {@link #sessions()} and {@link #requestsProcessed()} like every producer. Subclasses add the
 * protocol's calls, usually over a {@link Pool} whose creator is {@link #createConnection}.
 *
 * <p>{@link #close()} refuses new connections, closes idle ones at once and the busy ones when their
 * exchange ends (aborting what is left after a timeout); {@link #abort()} drops everything now, failing
 * exchanges in progress. Both complete when every connection is gone and fire {@code finish}.
 *
 * <p>Thread-safe. Events: one-time {@code finish}; many-times {@code connection_made} and
 * {@code connection_lost} with the connection, fired on its loop.
 */
public abstract class AbstractClient extends Producer {

    public static final String FINISH = "finish";
    public static final String CONNECTION_MADE = "connection_made";
    public static final String CONNECTION_LOST = "connection_lost";

    private final TransportProvider transport;
    private final Endpoint options;
    /** Connections being made or open; a connection leaves when lost or when its connect failed. */
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean closing;

    /**
     * A client of {@code protocolFactory}'s protocols (each a {@link Connection}) over {@code transport};
     * {@code options} give the connect timeout and socket options.
     */
    protected AbstractClient(TransportProvider transport, ProtocolFactory protocolFactory, Endpoint options) {
        super(protocolFactory, Set.of(FINISH), Set.of(CONNECTION_MADE, CONNECTION_LOST));
        this.transport = Objects.requireNonNull(transport, "transport");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Connects to {@code address} with a new protocol of this client (counted in {@link #sessions()})
     * and completes, on the connection's loop, once it is made. Fails with the transport's
     * {@link java.net.ConnectException} or {@link java.net.SocketTimeoutException}, or with
     * {@link IllegalStateException} once the client is closing.
     */
    public CompletableFuture<Connection> createConnection(InetSocketAddress address) {
        return connect(address, null);
    }

    /**
     * Connects to {@code address} with a protocol from {@code protocolFactory}, which must make
     * {@link Connection}s. As in pulsar, such protocols are not counted in {@link #sessions()} and
     * {@link #requestsProcessed()}; they are closed by {@link #close()} like the others.
     */
    public CompletableFuture<Connection> createConnection(InetSocketAddress address, ProtocolFactory protocolFactory) {
        return connect(address, Objects.requireNonNull(protocolFactory, "protocolFactory"));
    }

    // connectionMade and connectionLost never complete exceptionally, and fireEvent logs what a listener throws.
    @SuppressWarnings("FutureReturnValueIgnored")
    private CompletableFuture<Connection> connect(InetSocketAddress address, ProtocolFactory factory) {
        if (closing) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
        }
        io.magnetar.api.Protocol protocol;
        try {
            protocol = factory == null ? createProtocol() : factory.newProtocol();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!(protocol instanceof Connection c)) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("client protocols must be Connections, the factory made " + protocol));
        }
        open.add(c);
        c.connectionMade().thenRun(() -> fireEvent(CONNECTION_MADE, c));
        c.connectionLost().whenComplete((v, e) -> lost(c));
        c.onPostRequest(consumer -> {
            // Runs on the loop, as close()'s drain check does: one of the two sees the other's effect.
            if (closing) {
                c.close();
            }
        });
        CompletableFuture<StreamTransport> connected;
        try {
            connected = transport.connect(address, options, c);
        } catch (RuntimeException e) {
            connected = CompletableFuture.failedFuture(e);
        }
        return connected.handle((t, error) -> {
            if (error != null) {
                // No connectionMade, so no connectionLost will come: the connection leaves here.
                open.remove(c);
                checkFinished();
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            if (closing) {
                c.close();
                throw new CompletionException(
                        new IllegalStateException(this + " closed while connecting to " + address));
            }
            return c;
        });
    }

    private void lost(Connection c) {
        open.remove(c);
        fireEvent(CONNECTION_LOST, c);
        checkFinished();
    }

    private void checkFinished() {
        // The one-time event fires once; its listeners run before close()'s future completes.
        if (closing && open.isEmpty() && fireEvent(FINISH, this)) {
            finished.complete(null);
        }
    }

    /** {@link #close(Duration)} with ten seconds for the exchanges in progress. */
    public CompletableFuture<Void> close() {
        return close(Duration.ofSeconds(10));
    }

    /**
     * Refuses new connections, closes idle ones now and busy ones once their exchange is over; aborts
     * those still open after {@code timeout}. Completes when every connection is gone.
     */
    // abort() returns finished, the future this method already returned to its caller.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<Void> close(Duration timeout) {
        closing = true;
        for (Connection c : open) {
            StreamTransport t = c.transport();
            // Not yet made: createConnection closes it once made, since closing is already set.
            if (t != null) {
                Runnable drain = () -> {
                    if (!c.isBusy()) {
                        c.close();
                    }
                };
                if (t.loop().inEventLoop()) {
                    drain.run();
                } else {
                    t.loop().execute(drain);
                }
            }
        }
        checkFinished();
        if (!finished.isDone()) {
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (!finished.isDone()) {
                            abort();
                        }
                    });
        }
        return finished;
    }

    /** Closes every connection now, dropping buffered data; exchanges in progress fail. */
    public CompletableFuture<Void> abort() {
        closing = true;
        for (Connection c : open) {
            c.abort();
        }
        checkFinished();
        return finished;
    }

    /** Connections being made or open now. */
    public int connections() {
        return open.size();
    }

    /** True once {@link #close()} or {@link #abort()} was called. */
    public boolean isClosing() {
        return closing;
    }

    /** The connect timeout and socket options of every connection. */
    public Endpoint options() {
        return options;
    }

    /** The transport this client connects through. */
    public TransportProvider transport() {
        return transport;
    }
}
