package io.magnetar.protocols.codec;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A protocol of typed messages for authors: pick a {@link FrameDecoder} and a {@link FrameEncoder},
 * write {@link #decode} (frame to message), {@link #encode} (message to bytes) and, on a server,
 * {@link #onMessage}; {@link #send} writes a message, {@link #ask} (client side) sends one and completes
 * with the next message received. It is a pulsar {@link Connection} with one exchange per message, so
 * pipelining, {@code upgrade}, events, request counting and the assembly work unchanged; the exchange's
 * consumer is reused, so a message costs no allocation of this class.
 *
 * <p>Confined to its transport's event loop (as {@link Connection}), except {@link #send} and
 * {@link #ask}, which are thread-safe. Flow control is the transport's: {@code isWritingPaused()} is
 * true between {@code pauseWriting} and {@code resumeWriting}; a writer that produces on its own should
 * wait for it. A frame over the decoder's maximum closes the connection (logged), never the server.
 *
 * @param <M> the message type
 */
public abstract class MessageProtocol<M> extends Connection {

    private static final System.Logger LOG = System.getLogger(MessageProtocol.class.getName());

    private final FrameDecoder decoder;
    private final FrameEncoder encoder;

    protected MessageProtocol(FrameDecoder decoder, FrameEncoder encoder) {
        this(decoder, encoder, new Consumers<>());
    }

    private MessageProtocol(FrameDecoder decoder, FrameEncoder encoder, Consumers<M> consumers) {
        super(consumers);
        consumers.owner = this;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    /** The message a complete frame holds; {@code frame} is valid only during the call. */
    protected abstract M decode(ByteBuffer frame);

    /** The bytes of {@code message} (a frame's payload: the encoder adds the framing). */
    protected abstract ByteBuffer encode(M message);

    /** A message arrived (server side; a client's {@link #ask} gets its answers instead). Default: nothing. */
    protected void onMessage(M message) {}

    /** Writes {@code message} as one frame. Thread-safe. */
    public final void send(M message) {
        encoder.write(transport(), encode(message));
    }

    /** Client side: sends {@code message} and completes with the next message received. Thread-safe. */
    @SuppressWarnings("unchecked")
    public final CompletableFuture<M> ask(M message) {
        return request(message).thenApply(m -> (M) m);
    }

    /** Makes the consumer of each exchange; the protocol cannot be named in its own super() call. */
    private static final class Consumers<M> implements Supplier<ProtocolConsumer> {
        MessageProtocol<M> owner;

        @Override
        public ProtocolConsumer get() {
            return new Exchange<>(owner);
        }
    }

    /** One message: a request and, for {@link #ask}, its answer. */
    private static final class Exchange<M> extends ProtocolConsumer {
        private final MessageProtocol<M> owner;
        private final FrameSink sink = this::frame;

        Exchange(MessageProtocol<M> owner) {
            this.owner = owner;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void startRequest() {
            Object r = request();
            if (r != null) {
                owner.send((M) r);
            }
        }

        @Override
        protected void dataReceived(ByteBuffer data) {
            try {
                owner.decoder.decodeOne(data, sink);
            } catch (FrameTooLongException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing {0}: {1}", owner, e.getMessage());
                data.position(data.limit());
                failed(e);
                owner.close();
            }
        }

        private void frame(ByteBuffer frame) {
            M message = owner.decode(frame);
            if (request() == null) {
                owner.onMessage(message);
            }
            finished(message);
        }

        @Override
        protected boolean recycle() {
            return true;
        }

        /** A frame cut off by the close gives its buffer back to the process-wide budget. */
        @Override
        protected void onConnectionLost(Throwable cause) {
            owner.decoder.release();
        }
    }
}
