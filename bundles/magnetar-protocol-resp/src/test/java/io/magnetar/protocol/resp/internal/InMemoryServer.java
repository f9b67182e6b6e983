package io.magnetar.protocol.resp.internal;

import io.magnetar.protocol.resp.RespCommand;
import io.magnetar.protocol.resp.RespLimits;
import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * RESP server connections in memory on one keyspace whose clock the test moves: commands go in as
 * bytes, replies come back parsed by the client's {@link RespParser} (so the server's output is checked
 * to be RESP as well).
 */
final class InMemoryServer {

    final ManualLoop loop = new ManualLoop();
    final ServerStats stats = new ServerStats();
    private long now = 1_000_000_000L;
    final Keyspace keyspace = new Keyspace(() -> now);

    /** A command as a client sends it: an array of bulk strings (ASCII arguments). */
    static String cmd(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    /** Moves the keyspace's clock. */
    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }

    Client connect() {
        return connect(RespServerLimits.DEFAULTS);
    }

    Client connect(RespServerLimits limits) {
        RespServerConnection c = RespServerConnection.create(keyspace, stats, limits);
        return new Client(c, new FakeTransport(loop, c).connect());
    }

    /** One connection and its transport. */
    static final class Client {
        final RespServerConnection connection;
        final FakeTransport transport;

        Client(RespServerConnection connection, FakeTransport transport) {
            this.connection = connection;
            this.transport = transport;
        }

        /** Sends one command and returns its one reply (a {@code RedisException} for an error reply). */
        Object call(Object... args) {
            transport.receive(RespCommand.of(args).encode());
            List<Object> replies = replies();
            if (replies.size() != 1) {
                throw new AssertionError("expected one reply, got " + replies);
            }
            return replies.get(0);
        }

        /** Sends raw bytes and returns the replies they caused. */
        List<Object> send(String raw) {
            transport.receive(raw);
            return replies();
        }

        /** Sends raw bytes and returns what was written back, byte for byte (RESP3 included). */
        String wire(String raw) {
            transport.receive(raw);
            return new String(transport.takeOutput(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        /** The replies written since the last call. */
        List<Object> replies() {
            return parse(transport.takeOutput());
        }
    }

    /** Every reply in {@code output}; fails on bytes that are not whole RESP replies. */
    static List<Object> parse(byte[] output) {
        RespParser parser = new RespParser(new RespLimits(1 << 26, 1 << 20, 8, 1 << 20));
        ByteBuffer b = ByteBuffer.wrap(output);
        List<Object> replies = new ArrayList<>();
        for (Object r = parser.parse(b); r != RespParser.INCOMPLETE; r = parser.parse(b)) {
            replies.add(r);
        }
        if (!parser.isIdle()) {
            throw new AssertionError(
                    "output ends inside a reply: " + new String(output, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return replies;
    }
}
