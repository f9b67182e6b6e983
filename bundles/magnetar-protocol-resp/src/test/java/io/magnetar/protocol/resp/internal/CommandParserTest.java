package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.RespServerLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandParserTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<String> args(CommandParser p) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < p.args().count(); i++) {
            args.add(p.args().text(i, Integer.MAX_VALUE));
        }
        return args;
    }

    /** Every command in {@code chunks}, in order. */
    private static List<List<String>> parseAll(CommandParser p, List<ByteBuffer> chunks) {
        List<List<String>> commands = new ArrayList<>();
        for (ByteBuffer chunk : chunks) {
            int r;
            while ((r = p.parse(chunk)) == CommandParser.COMMAND) {
                commands.add(args(p));
            }
            assertThat(r).as(p.error()).isEqualTo(CommandParser.NEED_MORE);
        }
        return commands;
    }

    private static final String STREAM = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\na\r\nb\r\n\r\n"
            + "PING\r\n"
            + "*0\r\n"
            + "\r\n"
            + "*1\r\n$0\r\n\r\n"
            + "  get   k \n";
    private static final List<List<String>> COMMANDS =
            List.of(List.of("SET", "k", "a\r\nb\r\n"), List.of("PING"), List.of(""), List.of("get", "k"));

    @Test
    void parsesArraysAndInlineCommandsAndSkipsEmptyOnes() {
        assertThat(parseAll(new CommandParser(RespServerLimits.DEFAULTS), List.of(bytes(STREAM))))
                .isEqualTo(COMMANDS);
    }

    @Test
    void parsesTheSameSplitAtEveryPoint() {
        byte[] all = STREAM.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= all.length; cut++) {
            List<ByteBuffer> chunks = List.of(
                    ByteBuffer.wrap(all, 0, cut).slice(),
                    ByteBuffer.wrap(all, cut, all.length - cut).slice());
            assertThat(parseAll(new CommandParser(RespServerLimits.DEFAULTS), chunks))
                    .as("cut at %d", cut)
                    .isEqualTo(COMMANDS);
        }
        List<ByteBuffer> single = new ArrayList<>();
        for (byte b : all) {
            single.add(ByteBuffer.allocateDirect(1).put(b).flip());
        }
        assertThat(parseAll(new CommandParser(RespServerLimits.DEFAULTS), single))
                .isEqualTo(COMMANDS);
    }

    /** Inline commands split as redis-server's sdssplitargs does, quotes and escapes included. */
    @Test
    void inlineQuotesAndEscapesAsRedisServer() {
        CommandParser p = new CommandParser(RespServerLimits.DEFAULTS);
        assertThat(p.parse(bytes("SET \"a b\" 'c\\'d' \"\\x41\\n\\\"\" \"\"\r\n")))
                .isEqualTo(CommandParser.COMMAND);
        Arguments a = p.args();
        assertThat(a.count()).isEqualTo(5);
        assertThat(arg(a, 0)).isEqualTo("SET");
        assertThat(arg(a, 1)).isEqualTo("a b");
        assertThat(arg(a, 2)).isEqualTo("c'd");
        assertThat(arg(a, 3)).isEqualTo("A\n\"");
        assertThat(arg(a, 4)).isEmpty();
        for (String bad : new String[] {"PING \"abc\r\n", "PING 'abc\r\n", "PING \"a\"b\r\n"}) {
            CommandParser q = new CommandParser(RespServerLimits.DEFAULTS);
            assertThat(q.parse(bytes(bad))).as(bad).isEqualTo(CommandParser.ERROR);
            assertThat(q.error()).isEqualTo("Protocol error: unbalanced quotes in request");
        }
    }

    private static String arg(Arguments a, int i) {
        return new String(a.bytes(), a.start(i), a.length(i), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void stopsAfterEachCommandLeavingTheNextInTheBuffer() {
        CommandParser p = new CommandParser(RespServerLimits.DEFAULTS);
        ByteBuffer b = bytes("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
        assertThat(p.parse(b)).isEqualTo(CommandParser.COMMAND);
        assertThat(b.remaining()).isEqualTo(14);
        assertThat(p.isIdle()).isTrue();
        assertThat(p.parse(b)).isEqualTo(CommandParser.COMMAND);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void refusesAnOversizedBulkBeforeKeepingAnyOfIt() {
        RespServerLimits limits = new RespServerLimits(1000, 16, 64, 4096);
        CommandParser p = new CommandParser(limits);
        assertThat(p.parse(bytes("*2\r\n$3\r\nSET\r\n$1001\r\n" + "x".repeat(1001) + "\r\n")))
                .isEqualTo(CommandParser.ERROR);
        assertThat(p.error()).isEqualTo("Protocol error: bulk length 1001 exceeds the limit of 1000");
        assertThat(p.peakArena()).isLessThanOrEqualTo(512);
    }

    @Test
    void refusesAFrameOverItsLimitAtTheHeaderThatBreaksIt() {
        RespServerLimits limits = new RespServerLimits(1000, 16, 64, 1500);
        CommandParser p = new CommandParser(limits);
        ByteBuffer b = bytes("*3\r\n$1000\r\n" + "x".repeat(1000) + "\r\n$501\r\n");
        assertThat(p.parse(b)).isEqualTo(CommandParser.ERROR);
        assertThat(p.error()).isEqualTo("Protocol error: command of more than 1500 bytes");
        assertThat(p.peakArena()).isLessThanOrEqualTo(1500);
    }

    @Test
    void neverGrowsPastTheLimitsWhateverTheyAre() {
        RespServerLimits limits = new RespServerLimits(100, 3, 16, 20);
        CommandParser p = new CommandParser(limits);
        assertThat(p.parse(bytes("*3\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$0\r\n\r\n")))
                .isEqualTo(CommandParser.COMMAND);
        assertThat(p.peakArena()).isLessThanOrEqualTo(20);
        assertThat(p.parse(bytes("*4\r\n"))).isEqualTo(CommandParser.ERROR);
        assertThat(p.error()).isEqualTo("Protocol error: multibulk length 4 exceeds the limit of 3");
        assertThat(p.peakArgs()).isLessThanOrEqualTo(16);
    }

    @Test
    void refusesLengthLinesThatAreNotNumbers() {
        for (String bad :
                List.of("*\r\n", "*-\r\n", "*1x\r\n", "*99999999999999999999\r\n", "*1\r\n$1-\r\n", "*1\r\n$+1\r\n")) {
            CommandParser p = new CommandParser(RespServerLimits.DEFAULTS);
            assertThat(p.parse(bytes(bad))).as(bad).isEqualTo(CommandParser.ERROR);
            assertThat(p.error()).as(bad).matches("Protocol error: invalid (multibulk|bulk) length");
        }
    }
}
