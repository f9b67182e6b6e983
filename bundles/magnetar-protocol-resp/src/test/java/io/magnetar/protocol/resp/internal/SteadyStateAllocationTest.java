package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.protocol.resp.RespCommand;
import io.magnetar.protocol.resp.RespServerLimits;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per pipelined command once warm, measured with the JVM's per-thread allocation counter
 * and printed, for the commands of {@code redis-benchmark}: 16 commands per read, as {@code -P 16} sends
 * them. Parsing, dispatch, lookup and reply encoding reuse the connection's arrays, so beyond the
 * per-exchange consumer object that {@code Connection} creates, {@code PING}, {@code GET} and
 * {@code INCR} allocate nothing, and {@code SET} only the value it stores.
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 20_000;

    @Test
    void pipelinedCommandsAllocateNothingOfTheirOwnButStoredValues() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        long id = Thread.currentThread().getId();

        ManualLoop loop = new ManualLoop();
        Keyspace keyspace = new Keyspace();
        RespServerConnection connection = RespServerConnection.create(keyspace, new ServerStats(), RespServerLimits.DEFAULTS);
        FakeTransport transport = new FakeTransport(loop, connection, false).connect();
        // As redis-benchmark: one key per test, values of 3 bytes; the list is refilled by LPUSH.
        run(transport, sixteen(RespCommand.of("SET", "key:__rand_int__", "xxx")), 1);
        run(transport, sixteen(RespCommand.of("INCR", "counter:__rand_int__")), 1);

        long perConsumer = consumerSize(mx, id);
        List<String> report = new ArrayList<>();
        long[] beyond = new long[4];
        String[] names = {"PING", "GET", "INCR", "SET"};
        RespCommand[] commands = {RespCommand.of("PING"), RespCommand.of("GET", "key:__rand_int__"),
                RespCommand.of("INCR", "counter:__rand_int__"), RespCommand.of("SET", "key:__rand_int__", "xxx")};
        for (int i = 0; i < commands.length; i++) {
            ByteBuffer wire = sixteen(commands[i]);
            run(transport, wire, ROUNDS); // warm: JIT, grown arrays
            long before = mx.getThreadAllocatedBytes(id);
            run(transport, wire, ROUNDS);
            long perCommand = (mx.getThreadAllocatedBytes(id) - before) / (ROUNDS * 16L);
            beyond[i] = perCommand - perConsumer;
            report.add(names[i] + " " + perCommand);
        }
        System.out.println("RESP steady state, bytes allocated per pipelined command: " + String.join(", ", report)
                + "; of which " + perConsumer + " are the exchange's RespServerConsumer (one per command, as Connection wants)");

        assertThat(transport.bytesWritten()).isPositive();
        assertThat(connection.processed()).isEqualTo(2 * 16 + 8L * ROUNDS * 16);
        assertThat(beyond[0]).as("PING beyond the consumer").isLessThan(8);
        assertThat(beyond[1]).as("GET beyond the consumer").isLessThan(8);
        assertThat(beyond[2]).as("INCR beyond the consumer").isLessThan(8);
        // The stored copy of "xxx": a 3-byte array is 24 bytes with its header.
        assertThat(beyond[3]).as("SET beyond the consumer").isLessThanOrEqualTo(32);
    }

    private static ByteBuffer sixteen(RespCommand c) {
        ByteBuffer one = c.encode();
        ByteBuffer wire = ByteBuffer.allocateDirect(one.remaining() * 16);
        for (int i = 0; i < 16; i++) {
            wire.put(one.duplicate());
        }
        return wire;
    }

    /** Bytes of one consumer object, measured the same way (kept reachable so none is optimised away). */
    private static long consumerSize(com.sun.management.ThreadMXBean mx, long id) {
        Object[] keep = new Object[1024];
        for (int i = 0; i < 100_000; i++) {
            keep[i & 1023] = new RespServerConsumer(null);
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            keep[i & 1023] = new RespServerConsumer(null);
        }
        return (mx.getThreadAllocatedBytes(id) - before) / 100_000;
    }

    private static void run(FakeTransport transport, ByteBuffer wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            wire.clear();
            transport.receive(wire);
        }
    }
}
