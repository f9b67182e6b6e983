package io.magnetar.protocol.resp;

import io.magnetar.protocol.resp.internal.RespParser;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One RESP2 exchange on a client {@link Connection}. The request is a {@link RespCommand}, which
 * finishes with its reply (an error reply fails the exchange with {@link RedisException}); or a
 * non-empty {@code List<RespCommand>}, a pipeline written at once, which finishes with the list of
 * replies in command order, error replies as {@link RedisException} elements.
 *
 * <p>Replies: simple string → {@link String}; integer → {@link Long}; bulk → {@code byte[]}; null →
 * {@code null}; array → {@link List}. A malformed stream, a reply over the {@link RespLimits}, or bytes
 * the server sends unasked abort the connection and fail the exchange with
 * {@link RespProtocolException}.
 *
 * <p>Confined to its connection's event loop.
 */
public final class RespClientConsumer extends ProtocolConsumer {

    private final RespParser parser;
    private int expected;
    private List<Object> replies;

    public RespClientConsumer() {
        this(RespLimits.DEFAULTS);
    }

    public RespClientConsumer(RespLimits limits) {
        this.parser = new RespParser(limits);
    }

    /** A client connection of RESP exchanges with the default limits. */
    public static Connection newConnection() {
        return new Connection(RespClientConsumer::new);
    }

    /** A client connection of RESP exchanges with {@code limits}. */
    public static Connection newConnection(RespLimits limits) {
        return new Connection(() -> new RespClientConsumer(limits));
    }

    @Override
    protected void startRequest() {
        Object r = request();
        if (r == null) {
            // Started by bytes nobody asked for: dataReceived reports it.
            return;
        }
        if (r instanceof RespCommand c) {
            expected = 1;
            write(c.encode());
            return;
        }
        List<RespCommand> pipeline = pipeline(r);
        expected = pipeline.size();
        replies = new ArrayList<>(expected);
        write(RespCommand.encode(pipeline));
    }

    private static List<RespCommand> pipeline(Object r) {
        if (r instanceof List<?> list && !list.isEmpty()) {
            List<RespCommand> commands = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof RespCommand c)) {
                    throw new IllegalArgumentException("a pipeline holds RespCommands, got " + o);
                }
                commands.add(c);
            }
            return commands;
        }
        throw new IllegalArgumentException(
                "a RESP request is a RespCommand or a non-empty List<RespCommand>, got " + r);
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        if (request() == null) {
            int unasked = data.remaining();
            data.position(data.limit());
            fail(new RespProtocolException("the server sent " + unasked + " bytes nobody asked for"));
            return;
        }
        try {
            for (Object reply = parser.parse(data); reply != RespParser.INCOMPLETE; reply = parser.parse(data)) {
                if (replies == null) {
                    if (reply instanceof RedisException e) {
                        failed(e);
                    } else {
                        finished(reply);
                    }
                    return;
                }
                replies.add(reply);
                if (replies.size() == expected) {
                    finished(replies);
                    return;
                }
            }
        } catch (RespProtocolException e) {
            fail(e);
        }
    }

    /** The stream cannot be resynchronised: drop the connection, then fail this exchange with the reason. */
    private void fail(RespProtocolException e) {
        connection().abort();
        failed(e);
    }
}
