package io.magnetar.protocol.echo;

import io.magnetar.protocol.echo.EchoFraming.MessageTooLongException;
import io.magnetar.protocol.echo.internal.EchoServerConnection;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.protocols.codec.DelimiterDecoder;
import io.magnetar.protocols.codec.FrameSink;
import io.magnetar.protocols.codec.FrameTooLongException;
import java.nio.ByteBuffer;

/**
 * Server side of echo: writes each message back followed by the separator; {@code QUIT} closes the
 * connection after its echo. A message over the limit closes the connection with a logged reason.
 *
 * <p>Confined to its connection's event loop.
 */
public final class EchoServerConsumer extends ProtocolConsumer {

    private static final int SEPARATOR = EchoFraming.SEPARATOR.length;

    private final int maxMessage;
    /** The separator is kept on the frame, so message and separator are written back in one piece. */
    private final DelimiterDecoder framing;

    private final FrameSink onMessage = this::message;

    public EchoServerConsumer() {
        this(EchoFraming.DEFAULT_MAX_MESSAGE);
    }

    public EchoServerConsumer(int maxMessage) {
        this.maxMessage = maxMessage;
        this.framing = new DelimiterDecoder(
                EchoFraming.SEPARATOR, (int) Math.min(Integer.MAX_VALUE, (long) maxMessage + SEPARATOR), false);
    }

    /**
     * A connection that serves echo, for {@code TcpServer} or a {@code ProtocolFactory}. It stops
     * reading while its transport asks to pause writing, so a peer that does not read what it is sent
     * cannot grow the server's buffers.
     */
    public static Connection newConnection() {
        return new EchoServerConnection(EchoServerConsumer::new);
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        try {
            framing.decodeOne(data, onMessage);
        } catch (FrameTooLongException e) {
            MessageTooLongException refused = new MessageTooLongException(
                    e.limit() == framingLimit() ? "echo message longer than " + maxMessage + " bytes" : e.getMessage());
            refused.initCause(e);
            throw refused;
        }
    }

    private void message(ByteBuffer frame) {
        int start = frame.position();
        int length = frame.remaining() - SEPARATOR;
        boolean quit = length == 4
                && frame.get(start) == 'Q'
                && frame.get(start + 1) == 'U'
                && frame.get(start + 2) == 'I'
                && frame.get(start + 3) == 'T';
        // One write of message and separator; writeCopy copies only what the socket does not take.
        connection().transport().writeCopy(frame);
        if (quit) {
            connection().close();
        }
        // The result is the frame in the read buffer, valid during post_request (the decoder resets it after).
        finished(frame.limit(start + length).position(start));
    }

    private long framingLimit() {
        return Math.min(Integer.MAX_VALUE, (long) maxMessage + SEPARATOR);
    }

    /** A message cut off by the close gives its buffer back to the process-wide budget. */
    @Override
    protected void onConnectionLost(Throwable cause) {
        framing.release();
    }

    /** Reused for the connection's next message: the framing is already between messages. */
    @Override
    protected boolean recycle() {
        return true;
    }
}
