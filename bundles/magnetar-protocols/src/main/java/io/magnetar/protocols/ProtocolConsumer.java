package io.magnetar.protocols;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Handles one request/response exchange on a {@link Connection} (pulsar's {@code ProtocolConsumer}).
 * Server consumers start on their first bytes; client consumers start with {@link #start(Object)},
 * which writes the request in {@link #startRequest()}. Either calls {@link #finished(Object)} once the
 * exchange is complete, and the connection moves on to a new consumer.
 *
 * <p>A server consumer may opt into reuse by overriding {@link #recycle()}: the connection then keeps
 * it for its next exchange instead of making a new one, which makes a steady pipelined stream
 * allocation-free. It is reused only if nobody asked for its events; connection-level
 * {@code post_request} listeners receive it and must not keep it after their call.
 *
 * <p>Confined to its connection's event loop. Events: one-time {@code pre_request},
 * {@code post_request}; many-times {@code data_received}, {@code data_processed}.
 */
public abstract class ProtocolConsumer extends EventHandler {

    public static final String PRE_REQUEST = "pre_request";
    public static final String POST_REQUEST = "post_request";
    public static final String DATA_RECEIVED = "data_received";
    public static final String DATA_PROCESSED = "data_processed";
    private static final java.util.List<String> ONE_TIME = java.util.List.of(PRE_REQUEST, POST_REQUEST);
    private static final java.util.List<String> MANY_TIMES = java.util.List.of(DATA_RECEIVED, DATA_PROCESSED);
    // Indexes into the lists above: every request fires and tests these, so by number, not by name.
    private static final int PRE = 0;
    private static final int POST = 1;
    private static final int RECEIVED = 0;
    private static final int PROCESSED = 1;

    private static final System.Logger LOG = System.getLogger(ProtocolConsumer.class.getName());

    private Connection connection;
    private Object request;
    private boolean started;
    /** The connection's factory generation that made this consumer: an upgrade makes it stale. */
    int generation;

    protected ProtocolConsumer() {
        super(ONE_TIME, MANY_TIMES);
    }

    /**
     * Consumes bytes of this exchange by reading {@code data}. Bytes left in {@code data} after the
     * call belong to the next exchange, which is only allowed once {@link #finished} was called.
     */
    protected abstract void dataReceived(ByteBuffer data);

    /**
     * Clears this consumer's own state for another exchange on the same connection and returns true;
     * the default returns false (never reused). Called on the event loop after the exchange finished
     * and its {@code post_request} listeners ran; never while an exchange is in progress.
     */
    protected boolean recycle() {
        return false;
    }

    /** Readies a finished consumer for reuse; false when it is not finished, observed, or refuses. */
    final boolean tryRecycle() {
        // Observation is checked before recycle(), so a watched consumer keeps its state intact.
        if (!started || !firedAt(POST) || isObserved() || !recycle() || !resetEvents()) {
            return false;
        }
        started = false;
        request = null;
        return true;
    }

    /**
     * The connection ended while this consumer was the current one (before {@code post_request} fires
     * with the error): a consumer that outlives one request, an upgraded protocol's, releases what it
     * holds here. Called once, on the loop. The default does nothing. @since 1.3
     */
    protected void onConnectionLost(Throwable cause) {}

    /**
     * The transport's write buffer went over its high-water mark while this consumer was the current
     * one: writers should hold back until {@link #onResumeWriting()}. On the loop. @since 1.3
     */
    protected void onPauseWriting() {}

    /** The write buffer drained to its low-water mark. On the loop. @since 1.3 */
    protected void onResumeWriting() {}

    /**
     * The server ends the connection while this consumer is the current one (it drains, or the connection was
     * idle for its keep-alive): a consumer whose exchange lasts as long as the connection (a WebSocket's) may
     * say goodbye in its protocol (a close frame with 1001) and close the transport itself, returning true.
     * The default returns false: the server then closes once the exchange in progress ends. On the loop.
     *
     * @param reason why, for the peer ({@code "server going away"}, {@code "idle timeout"})
     * @since 1.5
     */
    protected boolean goingAway(String reason) {
        return false;
    }

    /** Client side: writes {@link #request()}. Server consumers leave it empty. */
    protected void startRequest() {}

    /** Starts the exchange with {@code request} (client side; server consumers start on their first bytes). */
    public final void start(Object request) {
        if (started) {
            throw new IllegalStateException(this + " already started");
        }
        started = true;
        this.request = request;
        fireOneTime(PRE, this);
        if (connection != null) {
            connection.consumerStarted(this);
        }
        startRequest();
    }

    /**
     * Ends the exchange with {@code result} ({@code post_request}); later calls do nothing. The
     * connection lets go of this consumer and fires its own {@code post_request} first, so that
     * listeners of this consumer's {@link #postRequest()} may start the next exchange at once.
     */
    public final void finished(Object result) {
        if (firedAt(POST)) {
            return;
        }
        if (connection != null) {
            connection.consumerFinished(this);
        }
        fireOneTime(POST, result);
    }

    /** Ends the exchange with an error; the connection moves on as after {@link #finished}. */
    public final void failed(Throwable error) {
        if (firedAt(POST)) {
            return;
        }
        if (connection != null) {
            connection.consumerFinished(this);
        }
        fireEventError(POST_REQUEST, error);
    }

    /** Called by the connection with every chunk for this consumer. */
    final void feed(ByteBuffer data) {
        if (!started) {
            start(null);
        }
        if (hasListenersAt(RECEIVED)) {
            fireEvent(DATA_RECEIVED, data.asReadOnlyBuffer());
        }
        dataReceived(data);
        if (hasListenersAt(PROCESSED)) {
            fireEvent(DATA_PROCESSED, this);
        }
    }

    /** Called by the connection when it adopts this consumer. */
    void attach(Connection owner) {
        this.connection = owner;
    }

    /** The connection went away before this exchange finished. */
    void connectionLost(Throwable cause) {
        try {
            onConnectionLost(cause);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "onConnectionLost of " + this + " threw", e);
        }
        if (!firedAt(POST)) {
            Throwable error =
                    cause != null ? cause : new java.io.EOFException("connection closed before the exchange finished");
            fireEventError(POST_REQUEST, error);
        }
    }

    /** Writes through the connection's transport. Thread-safe. */
    protected final void write(ByteBuffer data) {
        connection.write(data);
    }

    public final Connection connection() {
        return connection;
    }

    public final StreamTransport transport() {
        return connection == null ? null : connection.transport();
    }

    /** The request given to {@link #start(Object)}, or {@code null} on the server side. */
    public final Object request() {
        return request;
    }

    /** True once started and not yet finished. */
    public final boolean inProgress() {
        return started && !firedAt(POST);
    }

    public final boolean isStarted() {
        return started;
    }

    /** One-time event fired when the exchange starts. */
    public final CompletableFuture<Object> preRequest() {
        return event(PRE_REQUEST);
    }

    /** One-time event completed with the result, or failed with the error, when the exchange ends. */
    public final CompletableFuture<Object> postRequest() {
        return event(POST_REQUEST);
    }

    /** Adds a listener for every chunk received (a read-only view, valid during the call). */
    public final void onDataReceived(Consumer<Object> listener) {
        bindEvent(DATA_RECEIVED, listener);
    }

    /** Adds a listener called after every chunk has been processed. */
    public final void onDataProcessed(Consumer<Object> listener) {
        bindEvent(DATA_PROCESSED, listener);
    }
}
