package io.magnetar.producers;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.TransportProvider;
import io.magnetar.producers.internal.ProtocolGone;
import io.magnetar.producers.internal.RefusedConnection;
import io.magnetar.producers.internal.ServerSession;
import io.magnetar.producers.internal.ServerSessions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves a protocol on a listening socket (pulsar's {@code TcpServer}). {@code maxConnections} is a
 * <em>concurrent</em> limit: an extra connection is accepted and closed at once. {@code keepAlive}
 * closes connections that received nothing for that long. {@link #close()} stops accepting, lets
 * exchanges in progress finish for at most {@code closeTimeout}, then aborts what is left.
 *
 * <p>The server ends a connection (on close, or idle) without a reset: it shuts its output after the
 * last reply, then drops what the client still sends until the client closes, for at most
 * {@link io.magnetar.protocols.LingeringClose#DEFAULT_TIME} (and never past {@code closeTimeout}).
 *
 * <p>The protocol can change behind the bound port ({@link #replaceProtocol}, {@link #retireProtocol}):
 * an updated protocol bundle then refuses no connection. Connections of the old protocol finish the
 * exchange in progress and close (idle ones at once); new ones get the new protocol.
 *
 * <p>Thread-safe. Events: one-time {@code start}, {@code stop}; many-times {@code connection_made},
 * {@code pre_request}, {@code post_request}, {@code connection_lost}, fired on the connection's loop.
 * {@code pre_request} and {@code post_request} carry the exchange's consumer, which a protocol may
 * reuse for its next exchange ({@code ProtocolConsumer.recycle()}): read it during the call, do not keep it.
 */
public class TcpServer extends Producer {

    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String CONNECTION_MADE = "connection_made";
    public static final String PRE_REQUEST = "pre_request";
    public static final String POST_REQUEST = "post_request";
    public static final String CONNECTION_LOST = "connection_lost";

    private final TransportProvider transport;
    private final Endpoint endpoint;
    private final int maxConnections;
    private final Duration keepAlive;
    private final Duration closeTimeout;
    /**
     * Package-private, like {@link #closing}, {@link #retiredBelow} and {@link #checkAllClosed}, for
     * {@link TcpServerSessionOwner}.
     */
    final ServerSessions serverSessions = new ServerSessions();

    private final TcpServerSessionOwner owner = new TcpServerSessionOwner(this);
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private volatile Server server;
    /** The factory new connections get, numbered; a session keeps the number it was made with. */
    private volatile Generation current;
    /** The protocol left ({@link #retireProtocol}) and nothing replaced it yet. */
    private volatile boolean protocolGone;
    /** Sessions of a generation below this drain: their factory was retired or replaced. */
    volatile int retiredBelow;

    private volatile long startedAt;
    volatile boolean closing;
    private CompletableFuture<Void> closeFuture;

    protected TcpServer(Builder b) {
        super(
                b.protocolFactory,
                Set.of(START, STOP),
                Set.of(CONNECTION_MADE, PRE_REQUEST, POST_REQUEST, CONNECTION_LOST));
        this.transport = b.transport;
        this.endpoint = b.endpoint;
        this.maxConnections = b.maxConnections;
        this.keepAlive = b.keepAlive;
        this.closeTimeout = b.closeTimeout;
        this.current = new Generation(b.protocolFactory, 0);
    }

    private record Generation(ProtocolFactory factory, int number) {}

    /** A builder for a server of {@code protocolFactory}'s protocols over {@code transport}. */
    public static Builder builder(TransportProvider transport, ProtocolFactory protocolFactory) {
        return new Builder(transport, protocolFactory);
    }

    /** Binds and starts accepting with the endpoint's backlog; completes once listening. */
    public CompletableFuture<TcpServer> startServing() {
        return startServing(endpoint.backlog());
    }

    /** Binds with {@code backlog} and starts accepting; fails with the bind error. */
    public synchronized CompletableFuture<TcpServer> startServing(int backlog) {
        if (server != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is already serving"));
        }
        if (closing) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
        }
        Endpoint e = endpoint.toBuilder().backlog(backlog).build();
        return transport.listen(e, this::newSession).thenApply(s -> {
            server = s;
            startedAt = System.nanoTime();
            fireEvent(START, this);
            return this;
        });
    }

    /** Stops accepting; open connections go on. Completes when the port is released. */
    public CompletableFuture<Void> stopServing() {
        Server s = server;
        return s == null ? CompletableFuture.completedFuture(null) : s.close();
    }

    /**
     * Stops accepting, closes idle connections, lets busy ones finish their exchange, and aborts what
     * is still open after {@code closeTimeout}. Completes when every connection is gone; fires {@code stop}.
     */
    public synchronized CompletableFuture<Void> close() {
        if (closeFuture != null) {
            return closeFuture;
        }
        closing = true;
        closeFuture = stopServing()
                .thenCompose(v -> {
                    serverSessions.drainAll();
                    checkAllClosed();
                    return allClosed.completeOnTimeout(null, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                })
                .thenCompose(v -> {
                    if (serverSessions.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    serverSessions.abortAll();
                    return waitEmpty();
                })
                .whenComplete((v, e) -> fireEvent(STOP, this));
        return closeFuture;
    }

    private CompletableFuture<Void> waitEmpty() {
        CompletableFuture<Void> empty = new CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (serverSessions.isEmpty()) {
                    empty.complete(null);
                } else {
                    CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS).execute(this);
                }
            }
        };
        check.run();
        // Aborts run on the loops and end promptly; the bound keeps close() from ever hanging.
        return empty.completeOnTimeout(null, 5, TimeUnit.SECONDS);
    }

    void checkAllClosed() {
        if (closing && serverSessions.isEmpty()) {
            allClosed.complete(null);
        }
    }

    private Protocol newSession() {
        if (!serverSessions.admit(maxConnections)) {
            return new RefusedConnection(maxConnections);
        }
        if (closing && protocolGone) {
            return new ProtocolGone(); // the backlog taken at close: the old factory's bundle may be gone
        }
        Generation g = current;
        return new ServerSession(owner, createProtocol(g.factory()), keepAlive, g.number());
    }

    /**
     * Serves new connections with protocols from {@code factory} from now on, on the same bound port,
     * and resumes accepting if {@link #retireProtocol()} paused it. Connections of the previous factory
     * finish the exchange in progress and then close; idle ones close at once. Thread-safe.
     */
    public synchronized void replaceProtocol(ProtocolFactory factory) {
        Objects.requireNonNull(factory, "factory");
        replaceProtocolFactory(factory);
        protocolGone = false;
        retire(new Generation(factory, current.number() + 1));
        resumeAccepting();
    }

    /**
     * The protocol is leaving (its bundle stops, perhaps to be updated): keeps the port bound but stops
     * taking connections off the backlog, where clients wait for {@link #replaceProtocol} (or, when none
     * comes, are closed cleanly by {@link #close()}, which then calls the old factory no more); connections
     * made so far finish their exchange and close. Thread-safe.
     */
    public synchronized void retireProtocol() {
        protocolGone = true;
        pauseAccepting();
        // A connection accepted just before the pause took effect still gets the old factory, in a
        // generation of its own: it is served, and retired by the next replaceProtocol.
        retire(new Generation(current.factory(), current.number() + 1));
    }

    private void retire(Generation next) {
        current = next;
        retiredBelow = next.number();
        serverSessions.retireBelow(next.number());
    }

    /** Stops taking connections off the backlog; the port stays bound. Thread-safe. */
    public void pauseAccepting() {
        Server s = server;
        if (s != null) {
            s.pauseAccepting();
        }
    }

    /** Takes connections off the backlog again. Thread-safe. */
    public void resumeAccepting() {
        Server s = server;
        if (s != null) {
            s.resumeAccepting();
        }
    }

    /** The bound address, or {@code null} before {@link #startServing()}. */
    public InetSocketAddress address() {
        Server s = server;
        return s == null ? null : s.localAddress();
    }

    /** True while accepting connections. */
    public boolean isServing() {
        Server s = server;
        return s != null && s.isServing();
    }

    /** Connections open now. */
    public int connections() {
        return serverSessions.connections();
    }

    /** Connections closed at once because {@code maxConnections} was reached. */
    public long refused() {
        return serverSessions.refused();
    }

    public int maxConnections() {
        return maxConnections;
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    /**
     * Bytes received on this server's connections since it started (closed ones and, as far as counted
     * now, open ones). Thread-safe; costs a walk over the open connections, for metrics scrapes.
     *
     * @since 1.2
     */
    public long bytesReceived() {
        return serverSessions.bytesReceived();
    }

    /** Bytes written on this server's connections since it started, as {@link #bytesReceived()}. @since 1.2 */
    public long bytesSent() {
        return serverSessions.bytesSent();
    }

    /** How often a transport asked a connection to pause writing (its peer reads slower than it sends). @since 1.2 */
    public long writePauses() {
        return serverSessions.writePauses();
    }

    /** Exchanges finished on this server's connections: summed over them like {@link #bytesReceived()}. */
    @Override
    public long requestsProcessed() {
        return serverSessions.requestsProcessed();
    }

    /** Each connection counts its own exchanges ({@link #requestsProcessed()}): no listener per request. */
    @Override
    protected boolean countsEachRequest() {
        return false;
    }

    /** Connections that ended with an error: a reset, a refused frame, a protocol that threw. @since 1.2 */
    public long connectionErrors() {
        return serverSessions.connectionErrors();
    }

    /** pulsar's {@code info()}: a {@code server} section and a {@code clients} section. */
    public Map<String, Object> info() {
        Map<String, Object> serverInfo = new LinkedHashMap<>();
        InetSocketAddress a = address();
        List<String> sockets = new ArrayList<>();
        if (a != null && isServing()) {
            sockets.add(a.getHostString() + ":" + a.getPort());
        }
        long started = startedAt;
        serverInfo.put(
                "uptime_in_seconds", started == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        serverInfo.put("sockets", sockets);
        serverInfo.put("max_connections", maxConnections);
        serverInfo.put("keep_alive", keepAlive == null ? 0 : keepAlive.toMillis() / 1000.0);
        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("processed_clients", sessions());
        clients.put("connected_clients", connections());
        clients.put("requests_processed", requestsProcessed());
        clients.put("refused_clients", refused());
        clients.put("connection_errors", connectionErrors());
        clients.put("bytes_received", bytesReceived());
        clients.put("bytes_sent", bytesSent());
        clients.put("write_paused", writePauses());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("server", serverInfo);
        info.put("clients", clients);
        return info;
    }

    @Override
    public String toString() {
        return "TcpServer[" + (address() != null ? address() : endpoint) + "]";
    }

    /** {@code hasListeners} for {@link TcpServerSessionOwner}, which its protected access does not reach. */
    boolean listensTo(String event) {
        return hasListeners(event);
    }

    /** Builds a {@link TcpServer}. Not thread-safe. */
    public static final class Builder {
        private final TransportProvider transport;
        private final ProtocolFactory protocolFactory;
        private Endpoint endpoint = Endpoint.builder().build();
        private int maxConnections;
        private Duration keepAlive;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(TransportProvider transport, ProtocolFactory protocolFactory) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.protocolFactory = Objects.requireNonNull(protocolFactory, "protocolFactory");
        }

        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Concurrent connection limit; 0 (the default) means none. */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /** Idle timeout; {@code null} or zero (the default) means none. */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive == null || keepAlive.isZero() ? null : keepAlive;
            return this;
        }

        /** How long {@link TcpServer#close()} waits for exchanges in progress before aborting. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public TcpServer build() {
            return new TcpServer(this);
        }
    }
}
