package io.magnetar.udp;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramProtocolFactory;
import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.Transport;
import io.magnetar.api.TransportProvider;
import io.magnetar.protocols.EventHandler;
import io.magnetar.udp.internal.ForwardingDatagramProtocol;
import io.magnetar.udp.internal.ProcNetUdp;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a datagram protocol on one or more bound UDP sockets (pulsar's {@code DatagramServer}): each
 * socket gets its own protocol from the factory. Every datagram received is one request.
 * {@code maxRequests} is a <em>total</em> limit: once that many datagrams were handled the server
 * closes its sockets (later datagrams are not handed to the protocol). {@link #close()} lets queued
 * replies go out for at most {@code closeTimeout}, then aborts.
 *
 * <p>Thread-safe. Events: one-time {@code start} (all sockets bound) and {@code stop} (all sockets
 * closed and their ports released), both with this server as argument.
 */
public class DatagramServer extends EventHandler {

    private static final System.Logger LOG = System.getLogger(DatagramServer.class.getName());

    public static final String START = "start";
    public static final String STOP = "stop";

    private final TransportProvider transport;
    private final DatagramProtocolFactory protocolFactory;
    private final List<Endpoint> endpoints;
    private final long maxRequests;
    private final Duration closeTimeout;
    private final List<ServedSocket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong requestsProcessed = new AtomicLong();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong errorsReceived = new AtomicLong();
    private volatile boolean serving;
    private volatile long startedAt;
    private CompletableFuture<DatagramServer> startFuture;
    private CompletableFuture<Void> closeFuture;

    protected DatagramServer(Builder b) {
        super(Set.of(START, STOP), Set.of());
        this.transport = b.transport;
        this.protocolFactory = b.protocolFactory;
        this.endpoints = List.copyOf(b.endpoints);
        this.maxRequests = b.maxRequests;
        this.closeTimeout = b.closeTimeout;
    }

    /** A builder for a server of {@code protocolFactory}'s protocols over {@code transport}. */
    public static Builder builder(TransportProvider transport, DatagramProtocolFactory protocolFactory) {
        return new Builder(transport, protocolFactory);
    }

    /**
     * Binds every endpoint, each with a new protocol; completes once all are bound and fires
     * {@code start}. If one fails, the others are closed and the future fails with that error.
     */
    public synchronized CompletableFuture<DatagramServer> startServing() {
        if (startFuture != null || closeFuture != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " was started or closed already"));
        }
        List<CompletableFuture<DatagramTransport>> binds = new ArrayList<>();
        try {
            for (Endpoint e : endpoints) {
                ServedSocket s = new ServedSocket(protocolFactory.newProtocol());
                sockets.add(s);
                binds.add(transport.bindDatagram(e, s));
            }
        } catch (RuntimeException e) {
            binds.add(CompletableFuture.failedFuture(e));
        }
        startFuture = CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new))
                .handle((v, error) -> {
                    if (error != null) {
                        for (ServedSocket s : sockets) {
                            s.abort();
                        }
                        throw error instanceof CompletionException c ? c : new CompletionException(error);
                    }
                    synchronized (this) {
                        serving = closeFuture == null; // a close() that came first wins
                    }
                    startedAt = System.nanoTime();
                    LOG.log(Level.INFO, "{0} serving", this);
                    fireEvent(START, this);
                    return this;
                });
        return startFuture;
    }

    /**
     * Stops serving: closes every socket after its queued datagrams went out, aborts what is left after
     * {@code closeTimeout}, and fires {@code stop} once every port is released. Idempotent.
     */
    public synchronized CompletableFuture<Void> close() {
        if (closeFuture != null) {
            return closeFuture;
        }
        serving = false;
        CompletableFuture<?> started = startFuture == null ? CompletableFuture.completedFuture(null) : startFuture;
        closeFuture = started.handle((v, e) -> null)
                .thenCompose(v -> {
                    for (ServedSocket s : sockets) {
                        s.close();
                    }
                    return allLost().completeOnTimeout(null, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                })
                .thenCompose(v -> {
                    for (ServedSocket s : sockets) {
                        s.abort();
                    }
                    // Aborts run on the loops and end promptly; the bound keeps close() from ever hanging.
                    return allLost().completeOnTimeout(null, 5, TimeUnit.SECONDS);
                })
                .whenComplete((v, e) -> fireEvent(STOP, this));
        return closeFuture;
    }

    private CompletableFuture<Void> allLost() {
        return CompletableFuture.allOf(
                sockets.stream().map(ForwardingDatagramProtocol::lost).toArray(CompletableFuture[]::new));
    }

    /** True while started and not closed (nor closed by {@code maxRequests}). */
    public boolean isServing() {
        return serving;
    }

    /** The bound addresses, in endpoint order; empty before {@link #startServing()} completes. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (ServedSocket s : sockets) {
            DatagramTransport t = s.transport();
            if (t != null) {
                bound.add((InetSocketAddress) t.extraInfo(Transport.SOCKNAME));
            }
        }
        return bound;
    }

    /** The first bound address, or {@code null}. */
    public InetSocketAddress address() {
        List<InetSocketAddress> bound = addresses();
        return bound.isEmpty() ? null : bound.get(0);
    }

    /** Datagrams handed to the protocols (and answered, for a protocol that answers). */
    public long requestsProcessed() {
        return requestsProcessed.get();
    }

    /** Datagrams that arrived, those ignored after {@code maxRequests} included. */
    public long datagramsReceived() {
        return datagramsReceived.get();
    }

    /** Datagrams the sockets took for sending (counted by Magnetar's own transports only). */
    public long datagramsSent() {
        long sent = 0;
        for (ServedSocket s : sockets) {
            if (s.transport() instanceof DatagramSocketTransport d) {
                sent += d.datagramsSent();
            }
        }
        return sent;
    }

    /**
     * Datagrams the kernel dropped because a socket's receive buffer was full, summed over the sockets
     * while they are open; -1 where the platform does not tell. Linux counts them per socket in
     * {@code /proc/net/udp}; Java has no socket option for it.
     */
    public long receiveBufferDrops() {
        long drops = -1;
        for (ServedSocket s : sockets) {
            DatagramTransport t = s.transport();
            if (t != null && !t.isClosing()) {
                long n = ProcNetUdp.drops((InetSocketAddress) t.extraInfo(Transport.SOCKNAME));
                if (n >= 0) {
                    drops = Math.max(drops, 0) + n;
                }
            }
        }
        return drops;
    }

    public long maxRequests() {
        return maxRequests;
    }

    /** pulsar's {@code info()}: a {@code server} section and a {@code clients} section. */
    public Map<String, Object> info() {
        Map<String, Object> server = new LinkedHashMap<>();
        long started = startedAt;
        server.put("uptime_in_seconds", started == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        List<String> bound = new ArrayList<>();
        if (serving) {
            for (InetSocketAddress a : addresses()) {
                bound.add(a.getAddress().getHostAddress() + ":" + a.getPort());
            }
        }
        server.put("sockets", bound);
        server.put("max_requests", maxRequests);
        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("requests_processed", requestsProcessed());
        clients.put("datagrams_received", datagramsReceived());
        clients.put("datagrams_sent", datagramsSent());
        clients.put("errors_received", errorsReceived.get());
        clients.put("receive_buffer_drops", receiveBufferDrops());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("server", server);
        info.put("clients", clients);
        return info;
    }

    @Override
    public String toString() {
        List<InetSocketAddress> bound = addresses();
        return "DatagramServer[" + (bound.isEmpty() ? endpoints : bound) + "]";
    }

    // close() is idempotent: every later close() caller gets this same future; stop fires either way.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void handled() {
        if (requestsProcessed.incrementAndGet() == maxRequests) {
            LOG.log(Level.INFO, "{0}: {1} requests processed, closing", this, maxRequests);
            close();
        }
    }

    /** One bound socket: counts and limits what reaches its protocol. Confined to the socket's loop. */
    private final class ServedSocket extends ForwardingDatagramProtocol {

        ServedSocket(DatagramProtocol inner) {
            super(inner);
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress address) {
            datagramsReceived.incrementAndGet();
            if (maxRequests > 0 && admitted.incrementAndGet() > maxRequests) {
                return; // over the limit: the server is closing
            }
            super.datagramReceived(data, address);
            handled();
        }

        @Override
        public void errorReceived(Exception error) {
            errorsReceived.incrementAndGet();
            super.errorReceived(error);
        }
    }

    /** Builds a {@link DatagramServer}. Not thread-safe. */
    public static final class Builder {
        private final TransportProvider transport;
        private final DatagramProtocolFactory protocolFactory;
        private List<Endpoint> endpoints = List.of(Endpoint.builder().build());
        private long maxRequests;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(TransportProvider transport, DatagramProtocolFactory protocolFactory) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.protocolFactory = Objects.requireNonNull(protocolFactory, "protocolFactory");
        }

        /** The one socket to bind (default 127.0.0.1, port 0). */
        public Builder endpoint(Endpoint endpoint) {
            return endpoints(List.of(endpoint));
        }

        /** Several sockets to bind, each with its own protocol. */
        public Builder endpoints(List<Endpoint> endpoints) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("a datagram server needs at least one endpoint");
            }
            this.endpoints = List.copyOf(endpoints);
            return this;
        }

        /** Total datagrams handled before the server closes; 0 (the default) means no limit. */
        public Builder maxRequests(long max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRequests must not be negative: " + max);
            }
            this.maxRequests = max;
            return this;
        }

        /** How long {@link DatagramServer#close()} lets queued datagrams go out before aborting. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public DatagramServer build() {
            return new DatagramServer(this);
        }
    }
}
