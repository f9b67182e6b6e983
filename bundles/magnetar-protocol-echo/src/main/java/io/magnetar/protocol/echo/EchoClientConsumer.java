package io.magnetar.protocol.echo;

import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.protocols.codec.DelimiterDecoder;
import io.magnetar.protocols.codec.FrameSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Client side of echo: {@code start(request)} writes the request ({@code byte[]}, {@link ByteBuffer}
 * or {@link CharSequence}) with the separator; the exchange finishes with the echoed bytes as
 * {@code byte[]}.
 *
 * <p>Confined to its connection's event loop.
 */
public final class EchoClientConsumer extends ProtocolConsumer {

    private final DelimiterDecoder framing = new DelimiterDecoder(
            EchoFraming.SEPARATOR, EchoFraming.DEFAULT_MAX_MESSAGE + EchoFraming.SEPARATOR.length, true);
    private final FrameSink onEcho = this::echo;

    /** A client connection: {@code connection.request("hello")} completes with the echoed {@code byte[]}. */
    public static Connection newConnection() {
        return new Connection(EchoClientConsumer::new);
    }

    @Override
    protected void startRequest() {
        Object r = request();
        ByteBuffer body;
        if (r instanceof byte[] bytes) {
            body = ByteBuffer.wrap(bytes);
        } else if (r instanceof ByteBuffer b) {
            body = b;
        } else if (r instanceof CharSequence s) {
            body = ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("echo request must be byte[], ByteBuffer or text, got " + r);
        }
        transport().writeLines(body, ByteBuffer.wrap(EchoFraming.SEPARATOR));
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        framing.decodeOne(data, onEcho);
    }

    /** An echo cut off by the close gives its buffer back to the process-wide budget. */
    @Override
    protected void onConnectionLost(Throwable cause) {
        framing.release();
    }

    private void echo(ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        finished(bytes);
    }
}
