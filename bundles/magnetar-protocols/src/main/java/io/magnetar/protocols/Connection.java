package io.magnetar.protocols;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A stream protocol that routes bytes to its current {@link ProtocolConsumer}, one exchange after
 * another (pulsar's {@code Connection}). A consumer that finishes leaves the rest of the bytes to the
 * next one, so pipelined requests work; {@link #upgrade} switches the consumer kind for the next
 * exchange (WebSocket, CONNECT).
 *
 * <p>Confined to its transport's event loop, except {@link #request(Object)}, {@link #write},
 * {@link #close()} and {@link #abort()}, which are thread-safe. Many-times events:
 * {@code pre_request} and {@code post_request} with the consumer as argument.
 */
public class Connection extends Protocol {

    public static final String PRE_REQUEST = ProtocolConsumer.PRE_REQUEST;
    public static final String POST_REQUEST = ProtocolConsumer.POST_REQUEST;
    private static final java.util.List<String> MANY_TIMES = java.util.List.of(PRE_REQUEST, POST_REQUEST);
    // Indexes into MANY_TIMES: fired on every request, so by number, not by name.
    private static final int PRE = 0;
    private static final int POST = 1;

    private Supplier<? extends ProtocolConsumer> consumerFactory;
    private Supplier<? extends ProtocolConsumer> upgradeTo;
    private ProtocolConsumer current;
    /** A finished consumer that agreed to be reused, handed out before the factory is asked. */
    private ProtocolConsumer spare;
    /** Counts factory changes, so that a consumer made before an upgrade is never reused after it. */
    private int generation;

    private long processed;

    /** A connection whose exchanges are handled by consumers from {@code consumerFactory}. */
    public Connection(Supplier<? extends ProtocolConsumer> consumerFactory) {
        super(ONE_TIME, MANY_TIMES);
        this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        countDataReceived();
        while (data.hasRemaining() && !isClosed()) {
            ProtocolConsumer consumer = currentConsumer();
            consumer.feed(data);
            if (consumer != current) {
                keepForReuse(consumer);
            } else if (data.hasRemaining() && !isClosed()) {
                // A consumer that closed the connection need not read on: the rest is never wanted.
                throw new IllegalStateException(consumer.getClass().getName() + " left " + data.remaining()
                        + " bytes unconsumed without finishing its exchange");
            }
        }
    }

    @Override
    public void pauseWriting() {
        super.pauseWriting();
        ProtocolConsumer c = current;
        if (c != null) {
            c.onPauseWriting();
        }
    }

    @Override
    public void resumeWriting() {
        super.resumeWriting();
        ProtocolConsumer c = current;
        if (c != null) {
            c.onResumeWriting();
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        ProtocolConsumer c = current;
        current = null;
        if (c != null) {
            c.connectionLost(cause);
        }
        super.connectionLost(cause);
    }

    /** The consumer of the exchange in progress, made from the factory when there is none. */
    public final ProtocolConsumer currentConsumer() {
        if (current == null) {
            ProtocolConsumer c = spare;
            if (c != null) {
                spare = null;
            } else {
                c = consumerFactory.get();
                c.attach(this);
                c.generation = generation;
            }
            current = c;
        }
        return current;
    }

    /** Keeps a consumer whose exchange ended during its read, if it can serve the next exchange. */
    private void keepForReuse(ProtocolConsumer c) {
        if (spare == null && c.generation == generation && !isClosed() && c.tryRecycle()) {
            spare = c;
        }
    }

    /**
     * Starts the next exchange's consumer now instead of at the next bytes: after an {@link #upgrade}, the
     * new protocol opens (a WebSocket's {@code onOpen}) before the peer sends anything. Does nothing when
     * the connection is closed or that consumer has started already. Loop thread only. @since 1.3
     */
    public final void startCurrentConsumer() {
        if (!isClosed()) {
            ProtocolConsumer c = currentConsumer();
            if (!c.isStarted()) {
                c.start(null);
            }
        }
    }

    /**
     * The server ends this connection (drain, idle): true when the current consumer took the close over in its
     * protocol's way ({@link ProtocolConsumer#goingAway}); false leaves it to the server. Loop thread only.
     *
     * @since 1.5
     */
    public final boolean goingAway(String reason) {
        ProtocolConsumer c = current;
        return c != null && c.isStarted() && !isClosed() && c.goingAway(reason);
    }

    /** True while an exchange has started and not finished (used to drain servers gracefully). */
    public final boolean isBusy() {
        ProtocolConsumer c = current;
        return c != null && c.inProgress();
    }

    /** Exchanges finished on this connection. Counted on its loop; another thread (a metrics scrape) reads a recent value. */
    public final long processed() {
        return processed;
    }

    /**
     * Uses {@code factory} for the exchanges after the current one (at once when none is in progress).
     */
    public final void upgrade(Supplier<? extends ProtocolConsumer> factory) {
        Objects.requireNonNull(factory, "factory");
        if (current != null && current.isStarted()) {
            upgradeTo = factory;
        } else {
            consumerFactory = factory;
            current = null;
            generation++;
            spare = null;
        }
    }

    /**
     * Client side: starts a new exchange with {@code request} and completes with its result.
     * Thread-safe; fails if an exchange is already in progress or the connection is closed, and
     * with the consumer's error if starting it throws (the connection is then free again).
     */
    // The postRequest callback relays both outcomes to result, which this method returns.
    @SuppressWarnings("FutureReturnValueIgnored")
    public final CompletableFuture<Object> request(Object request) {
        StreamTransport t = transport();
        if (t == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("request before connectionMade"));
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (isClosed()) {
                result.completeExceptionally(new java.io.IOException("connection " + this + " is closed"));
                return;
            }
            if (isBusy()) {
                result.completeExceptionally(new IllegalStateException("an exchange is in progress on " + this));
                return;
            }
            ProtocolConsumer c = currentConsumer();
            c.postRequest().whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
            try {
                c.start(request);
            } catch (RuntimeException e) {
                // The request could not even be written: fail this exchange, free the connection.
                c.failed(e);
            }
        };
        if (t.loop().inEventLoop()) {
            start.run();
        } else {
            t.loop().execute(start);
        }
        return result;
    }

    /** Adds a listener called with each consumer when its exchange starts. */
    public final void onPreRequest(Consumer<Object> listener) {
        bindEvent(PRE_REQUEST, listener);
    }

    /** Adds a listener called with each consumer when its exchange ends. */
    public final void onPostRequest(Consumer<Object> listener) {
        bindEvent(POST_REQUEST, listener);
    }

    void consumerStarted(ProtocolConsumer c) {
        fireManyTimes(PRE, PRE_REQUEST, c);
    }

    void consumerFinished(ProtocolConsumer c) {
        if (c != current) {
            return;
        }
        current = null;
        processed++;
        if (upgradeTo != null) {
            consumerFactory = upgradeTo;
            upgradeTo = null;
            generation++;
            spare = null;
        }
        fireManyTimes(POST, POST_REQUEST, c);
    }
}
