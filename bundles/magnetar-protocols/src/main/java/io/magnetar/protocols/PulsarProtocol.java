package io.magnetar.protocols;

import io.magnetar.api.Transport;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What every pulsar protocol has: the transport, the session number, the peer address, and the
 * one-time events {@code connection_made} and {@code connection_lost}.
 *
 * <p>Confined to its transport's event loop, except the event accessors and {@link #close()} /
 * {@link #abort()}, which are thread-safe.
 *
 * @param <T> the transport kind
 */
public abstract class PulsarProtocol<T extends Transport> extends EventHandler {

    public static final String CONNECTION_MADE = "connection_made";
    public static final String CONNECTION_LOST = "connection_lost";

    private volatile T transport;
    private volatile int session;
    private long dataReceivedCount;

    /** The one-time events every protocol has; subclasses' lists start with these. */
    protected static final List<String> ONE_TIME = List.of(CONNECTION_MADE, CONNECTION_LOST);

    protected PulsarProtocol(Set<String> extraOneTime, Set<String> manyTimes) {
        super(union(Set.of(CONNECTION_MADE, CONNECTION_LOST), extraOneTime), manyTimes);
    }

    /** With constant lists: {@code oneTime} must contain {@code connection_made} and {@code connection_lost}. */
    protected PulsarProtocol(List<String> oneTime, List<String> manyTimes) {
        super(oneTime, manyTimes);
        if (!oneTime.contains(CONNECTION_MADE) || !oneTime.contains(CONNECTION_LOST)) {
            throw new IllegalArgumentException("one-time events must include connection_made and connection_lost");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The transport, or {@code null} before {@code connectionMade}. */
    public final T transport() {
        return transport;
    }

    /** The session number a producer gave this protocol (0 if none). */
    public final int session() {
        return session;
    }

    /** Set by the producer that creates this protocol, before {@code connectionMade}. */
    public final void setSession(int session) {
        this.session = session;
    }

    /** The peer address, once connected. */
    public final SocketAddress address() {
        T t = transport;
        return t == null ? null : (SocketAddress) t.extraInfo(Transport.PEERNAME);
    }

    /** How many times data arrived on this connection. Loop thread only. */
    public final long dataReceivedCount() {
        return dataReceivedCount;
    }

    protected final void countDataReceived() {
        dataReceivedCount++;
    }

    /** One-time event fired with this protocol once the transport is ready. */
    public final CompletableFuture<Object> connectionMade() {
        return event(CONNECTION_MADE);
    }

    /** One-time event fired with the cause (or {@code null}) when the connection is gone. */
    public final CompletableFuture<Object> connectionLost() {
        return event(CONNECTION_LOST);
    }

    /** True when the transport is closing or gone. */
    public final boolean isClosed() {
        T t = transport;
        return t == null ? connectionLost().isDone() : t.isClosing();
    }

    /** Closes the transport after flushing (no-op before connection). Thread-safe. */
    public void close() {
        T t = transport;
        if (t != null) {
            t.close();
        }
    }

    /** Closes the transport now, dropping buffered data. Thread-safe. */
    public void abort() {
        T t = transport;
        if (t != null) {
            t.abort();
        }
    }

    /** Subclasses call this from their {@code connectionMade} callback. */
    protected void madeWith(T transport) {
        this.transport = transport;
        fireEvent(CONNECTION_MADE, this);
    }

    /** Subclasses call this from their {@code connectionLost} callback. */
    protected void lostWith(Throwable cause) {
        fireEvent(CONNECTION_LOST, cause);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[session " + session + ", " + address() + "]";
    }
}
