package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.protocol.resp.RespCommand;
import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per pipelined command once warm, measured with the JVM's per-thread allocation counter
 * and printed, for the commands of {@code redis-benchmark}: 16 commands per read, as {@code -P 16} sends
 * them. Parsing, dispatch, lookup and reply encoding reuse the connection's arrays and the connection
 * reuses its consumer, so {@code PING}, {@code GET} and {@code INCR} allocate nothing, and {@code SET}
 * only the value it stores. A {@code post_request} listener counts exchanges, as a TcpServer's does.
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 20_000;

    @Test
    void pipelinedCommandsAllocateNothingButStoredValues() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        long id = Thread.currentThread().getId();

        ManualLoop loop = new ManualLoop();
        Keyspace keyspace = new Keyspace();
        RespServerConnection connection =
                RespServerConnection.create(keyspace, new ServerStats(), RespServerLimits.DEFAULTS);
        long[] served = new long[1];
        connection.onPostRequest(consumer -> served[0]++);
        FakeTransport transport = new FakeTransport(loop, connection, false).connect();
        // As redis-benchmark: one key per test, values of 3 bytes; the list is refilled by LPUSH.
        run(transport, sixteen(RespCommand.of("SET", "key:__rand_int__", "xxx")), 1);
        run(transport, sixteen(RespCommand.of("INCR", "counter:__rand_int__")), 1);

        List<String> report = new ArrayList<>();
        long[] per = new long[4];
        String[] names = {"PING", "GET", "INCR", "SET"};
        RespCommand[] commands = {
            RespCommand.of("PING"),
            RespCommand.of("GET", "key:__rand_int__"),
            RespCommand.of("INCR", "counter:__rand_int__"),
            RespCommand.of("SET", "key:__rand_int__", "xxx")
        };
        for (int i = 0; i < commands.length; i++) {
            ByteBuffer wire = sixteen(commands[i]);
            run(transport, wire, ROUNDS); // warm: JIT, grown arrays
            long before = mx.getThreadAllocatedBytes(id);
            run(transport, wire, ROUNDS);
            long perCommand = (mx.getThreadAllocatedBytes(id) - before) / (ROUNDS * 16L);
            per[i] = perCommand;
            report.add(names[i] + " " + perCommand);
        }
        System.out.println("RESP steady state, bytes allocated per pipelined command: " + String.join(", ", report));

        assertThat(transport.bytesWritten()).isPositive();
        assertThat(connection.processed()).isEqualTo(2 * 16 + 8L * ROUNDS * 16);
        assertThat(served[0]).isEqualTo(connection.processed());
        // Integer division: under one byte per command on average reads 0; one byte is left for a one-off (a grown
        // array, a deoptimisation).
        assertThat(per[0]).as("PING").isLessThanOrEqualTo(1);
        assertThat(per[1]).as("GET").isLessThanOrEqualTo(1);
        assertThat(per[2]).as("INCR").isLessThanOrEqualTo(1);
        // The stored copy of "xxx": a 3-byte array is 24 bytes with its header.
        assertThat(per[3]).as("SET").isLessThanOrEqualTo(24);
    }

    private static ByteBuffer sixteen(RespCommand c) {
        ByteBuffer one = c.encode();
        ByteBuffer wire = ByteBuffer.allocateDirect(one.remaining() * 16);
        for (int i = 0; i < 16; i++) {
            wire.put(one.duplicate());
        }
        return wire;
    }

    private static void run(FakeTransport transport, ByteBuffer wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            wire.clear();
            transport.receive(wire);
        }
    }
}
