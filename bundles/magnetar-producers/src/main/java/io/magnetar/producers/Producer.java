package io.magnetar.producers;

import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.EventHandler;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.protocols.PulsarProtocol;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Creates protocols and consumers and counts them (pulsar's {@code Producer}): {@link #sessions()}
 * is the number of protocols created, {@link #requestsProcessed()} the exchanges finished on them.
 *
 * <p>Thread-safe: protocols are created on the loops that will own them, several at once.
 */
public class Producer extends EventHandler {

    private volatile ProtocolFactory protocolFactory;
    private final AtomicInteger sessions = new AtomicInteger();
    /** Striped: every loop adds to it once per request, and a shared atomic would make them contend. */
    private final LongAdder requestsProcessed = new LongAdder();

    /** A producer of protocols from {@code protocolFactory}, with extra events for subclasses. */
    protected Producer(ProtocolFactory protocolFactory, Set<String> oneTimeEvents, Set<String> manyTimesEvents) {
        super(oneTimeEvents, manyTimesEvents);
        this.protocolFactory = Objects.requireNonNull(protocolFactory, "protocolFactory");
    }

    public Producer(ProtocolFactory protocolFactory) {
        this(protocolFactory, Set.of(), Set.of());
    }

    /**
     * A new protocol with the next session number; a {@link Connection}'s finished exchanges count
     * towards {@link #requestsProcessed()}.
     */
    public io.magnetar.api.Protocol createProtocol() {
        return createProtocol(protocolFactory);
    }

    /** Like {@link #createProtocol()}, from {@code factory}: a subclass that swaps factories names the one it read. */
    protected final io.magnetar.api.Protocol createProtocol(ProtocolFactory factory) {
        io.magnetar.api.Protocol protocol = factory.newProtocol();
        int session = sessions.incrementAndGet();
        if (protocol instanceof PulsarProtocol<?> p) {
            p.setSession(session);
        }
        if (protocol instanceof Connection c && countsEachRequest()) {
            c.onPostRequest(consumer -> requestsProcessed.increment());
        }
        return protocol;
    }

    /**
     * Whether {@link #requestsProcessed()} is counted by a listener on every finished exchange (the default).
     * A subclass that can sum its connections' own counts ({@link Connection#processed()}) instead returns
     * false and overrides {@link #requestsProcessed()}: one call less on every request.
     *
     * @since 1.3
     */
    protected boolean countsEachRequest() {
        return true;
    }

    /** A consumer from {@code factory} (pulsar's {@code build_consumer}); subclasses may bind events. */
    public <C extends ProtocolConsumer> C buildConsumer(Supplier<C> factory) {
        return factory.get();
    }

    /** Protocols created so far. */
    public final int sessions() {
        return sessions.get();
    }

    /** Exchanges finished on this producer's connections. */
    public long requestsProcessed() {
        return requestsProcessed.sum();
    }

    /** The factory this producer asks for protocols now. */
    public final ProtocolFactory protocolFactory() {
        return protocolFactory;
    }

    /** Asks {@code factory} for the protocols created from now on (a protocol service was replaced). */
    protected final void replaceProtocolFactory(ProtocolFactory factory) {
        this.protocolFactory = Objects.requireNonNull(factory, "factory");
    }
}
