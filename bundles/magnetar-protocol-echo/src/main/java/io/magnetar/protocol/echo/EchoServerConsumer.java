package io.magnetar.protocol.echo;

import io.magnetar.protocol.echo.internal.EchoServerConnection;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;

/**
 * Server side of echo: writes each message back followed by the separator; {@code QUIT} closes the
 * connection after its echo. A message over the limit closes the connection with a logged reason.
 *
 * <p>Confined to its connection's event loop.
 */
public final class EchoServerConsumer extends ProtocolConsumer {

    private static final ByteBuffer QUIT = ByteBuffer.wrap(new byte[] {'Q', 'U', 'I', 'T'});

    private final EchoFraming framing;

    public EchoServerConsumer() {
        this(EchoFraming.DEFAULT_MAX_MESSAGE);
    }

    public EchoServerConsumer(int maxMessage) {
        this.framing = new EchoFraming(maxMessage);
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
        ByteBuffer message = framing.feed(data);
        if (message == null) {
            return;
        }
        boolean quit = message.equals(QUIT);
        int length = message.remaining();
        // One write of message and separator; writeCopy copies only what the socket does not take.
        connection().transport().writeCopy(framing.withSeparator());
        if (quit) {
            connection().close();
        }
        // The result is the framing's buffer, valid during post_request: the next message reuses it.
        finished(message.position(0).limit(length));
    }

    /** Reused for the connection's next message: the framing is already between messages. */
    @Override
    protected boolean recycle() {
        return true;
    }
}
