package io.magnetar.protocol.resp.internal;

import io.magnetar.protocol.resp.RespProtocolException;
import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;

/**
 * One command on the server side: takes the command's bytes (leaving any pipelined command after it
 * for the next exchange), runs it, and finishes with the {@link Command} as result ({@code null} for an
 * unknown name). Bytes that are not RESP, or a command over the limits, fail the exchange with
 * {@link RespProtocolException} after the connection answered and began to close: nothing is thrown
 * out of the event loop.
 *
 * <p>Confined to its connection's event loop.
 */
final class RespServerConsumer extends ProtocolConsumer {

    private final RespServerConnection resp;

    RespServerConsumer(RespServerConnection resp) {
        this.resp = resp;
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        CommandParser parser = resp.parser();
        int r;
        Command command;
        try {
            r = parser.parse(data);
            if (r == CommandParser.NEED_MORE) {
                return;
            }
            if (r == CommandParser.ERROR) {
                resp.refuse(data, parser.error(), null);
                failed(new RespProtocolException(parser.error()));
                return;
            }
            command = resp.execute();
        } catch (RuntimeException e) {
            // A bug of ours must cost this connection only, and loudly: never the loop's read.
            if (!resp.isLingering() && !resp.isClosed()) {
                resp.refuse(data, "internal error", e);
            }
            data.position(data.limit());
            failed(e);
            return;
        }
        if (command == Command.QUIT) {
            resp.quit(data);
        }
        finished(command);
    }

    /** Stateless between commands (the parser lives in the connection): reused for the next one. */
    @Override
    protected boolean recycle() {
        return true;
    }
}
