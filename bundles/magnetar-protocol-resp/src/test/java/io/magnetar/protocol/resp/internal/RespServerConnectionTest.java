package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.RedisException;
import io.magnetar.protocol.resp.RespCommand;
import io.magnetar.protocol.resp.RespServerLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing, pipelining, flow control and refusals of one server connection, in memory. */
class RespServerConnectionTest {

    private static final RespServerLimits SMALL = new RespServerLimits(64, 8, 32, 128);

    private final InMemoryServer server = new InMemoryServer();

    private static byte[] commands(RespCommand... commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RespCommand c : commands) {
            out.writeBytes(c.encode().array());
        }
        return out.toByteArray();
    }

    private static Object text(Object reply) {
        return RespServerCommandsTest.v(reply);
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderInOneWrite() {
        InMemoryServer.Client c = server.connect();
        byte[] batch = commands(
                RespCommand.of("SET", "k", "1"),
                RespCommand.of("INCR", "k"),
                RespCommand.of("GET", "k"),
                RespCommand.of("NOPE"),
                RespCommand.of("PING"));
        c.transport.receive(batch, true);

        assertThat(c.replies().stream().map(RespServerConnectionTest::text).toList())
                .containsExactly("OK", 2L, "2", "-ERR unknown command 'NOPE', with args beginning with: ", "PONG");
        assertThat(c.transport.writes()).isEqualTo(1);
        assertThat(c.connection.processed()).isEqualTo(5);
        assertThat(server.stats.commandsProcessed()).isEqualTo(5);
    }

    @Test
    void commandsSplitAtEveryByteGiveTheSameReplies() {
        byte[] batch = commands(
                RespCommand.of("RPUSH", "l", "a", "b\r\nc"),
                RespCommand.of("LRANGE", "l", "0", "-1"),
                RespCommand.of("ECHO", ""),
                RespCommand.of("DEL", "l"));
        InMemoryServer.Client whole = server.connect();
        whole.transport.receive(batch, false);
        byte[] expected = whole.transport.takeOutput();

        InMemoryServer.Client bytewise = server.connect();
        for (byte b : batch) {
            bytewise.transport.receive(new byte[] {b}, true);
        }
        assertThat(new String(bytewise.transport.takeOutput(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
        assertThat(InMemoryServer.parse(expected)).hasSize(4);
    }

    @Test
    void inlineCommandsAsRedisBenchmarkAndTelnetSendThem() {
        InMemoryServer.Client c = server.connect();
        List<Object> replies = c.send("PING\r\n\r\nset  k \tv\nGET k\r\n \r\necho hi\r\n");
        assertThat(replies.stream().map(RespServerConnectionTest::text).toList())
                .containsExactly("PONG", "OK", "v", "hi");
    }

    @Test
    void emptyAndNullArraysAreNoCommands() {
        InMemoryServer.Client c = server.connect();
        assertThat(c.send("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")).containsExactly("PONG");
    }

    @Test
    void aBulkOverTheLimitIsRefusedAtItsHeaderWithAReasonThenTheConnectionCloses() {
        InMemoryServer.Client c = server.connect(SMALL);
        List<Object> replies = c.send("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1000000\r\nxxxx");

        assertThat(replies).hasSize(2);
        assertThat(replies.get(0)).isEqualTo("PONG");
        assertThat(((RedisException) replies.get(1)).getMessage())
                .isEqualTo("ERR Protocol error: bulk length 1000000 exceeds the limit of 64");
        assertThat(c.connection.closeReason()).isEqualTo("Protocol error: bulk length 1000000 exceeds the limit of 64");
        assertThat(c.connection.peakArena()).isLessThanOrEqualTo(SMALL.maxFrameBytes());
        assertThat(c.transport.eofWritten()).isTrue();
        assertThat(c.transport.isLost())
                .as("lingers to let the client read the error")
                .isFalse();

        c.transport.receive("more bytes after the error are dropped");
        assertThat(c.transport.takeOutput()).isEmpty();
        server.loop.advance(RespServerConnection.LINGER);
        assertThat(c.transport.isLost()).isTrue();
    }

    @Test
    void theClientsEofEndsTheLinger() {
        InMemoryServer.Client c = server.connect(SMALL);
        c.send("*9\r\n");
        assertThat(c.connection.closeReason()).isEqualTo("Protocol error: multibulk length 9 exceeds the limit of 8");
        c.transport.receiveEof();
        assertThat(c.transport.isLost()).isTrue();
        assertThat(server.stats.connectedClients()).isZero();
    }

    @Test
    void everyKindOfBadFramingIsRefusedWithItsReason() {
        String[][] cases = {
            {"*2\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
            {"*x\r\n", "Protocol error: invalid multibulk length"},
            {"*1\r\n$-2\r\n", "Protocol error: invalid bulk length"},
            {"*1\r\n$\r\n", "Protocol error: invalid bulk length"},
            {"*1\r\n$4\r\nPINGxx", "Protocol error: bulk string not followed by CRLF"},
            {"*1\r\n$4\rx", "Protocol error: bulk length line not ended by CRLF"},
            {
                "*3\r\n$60\r\n" + "x".repeat(60) + "\r\n$60\r\n" + "x".repeat(60) + "\r\n$60\r\n",
                "Protocol error: command of more than 128 bytes"
            },
            {"PING " + "x".repeat(40) + "\r\n", "Protocol error: too big inline request (limit 32 bytes)"},
            {"a b c d e f g h i\r\n", "Protocol error: inline request of more than 8 arguments"},
        };
        for (String[] k : cases) {
            InMemoryServer.Client c = server.connect(SMALL);
            List<Object> replies = c.send(k[0]);
            assertThat(replies).as(k[0]).hasSize(1);
            assertThat(((RedisException) replies.get(0)).getMessage()).as(k[0]).isEqualTo("ERR " + k[1]);
            assertThat(c.connection.closeReason()).as(k[0]).isEqualTo(k[1]);
            assertThat(c.transport.eofWritten()).isTrue();
        }
    }

    @Test
    void readingPausesWhileTheWriteBufferIsFull() {
        InMemoryServer.Client c = server.connect();
        c.transport.fillWriteBuffer();
        assertThat(c.transport.isReading()).isFalse();
        c.transport.drainWriteBuffer();
        assertThat(c.transport.isReading()).isTrue();
    }

    @Test
    void connectionsShareTheKeyspaceAndInfoCountsThem() {
        InMemoryServer.Client a = server.connect();
        InMemoryServer.Client b = server.connect();
        assertThat(a.call("SET", "shared", "yes")).isEqualTo("OK");
        assertThat(text(b.call("GET", "shared"))).isEqualTo("yes");
        assertThat(server.stats.connectedClients()).isEqualTo(2);
        a.transport.close();
        assertThat(server.stats.connectedClients()).isEqualTo(1);
        assertThat(server.stats.connectionsReceived()).isEqualTo(2);
    }

    @Test
    void aBigCommandDoesNotPinItsArena() {
        InMemoryServer.Client c = server.connect();
        byte[] big = new byte[200_000];
        assertThat(c.call("SET", "big", big)).isEqualTo("OK");
        assertThat(c.connection.peakArena()).isGreaterThanOrEqualTo(200_000);
        assertThat(c.call("PING")).isEqualTo("PONG");
        assertThat(c.connection.parser().args().bytes().length).isLessThan(1024);
    }
}
