package io.magnetar.protocol.resp.internal;

import static io.magnetar.protocol.resp.internal.InMemoryServer.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code MULTI}, {@code EXEC} and {@code DISCARD} as redis-server 7 answers them, byte for byte: kept commands
 * answered {@code +QUEUED}, {@code EXEC} an array of their replies (an error among them is one element), a
 * command refused while queuing makes {@code EXEC} discard the lot; what the kept commands held is given back.
 */
class TransactionTest {

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    @Test
    void execAnswersEveryKeptCommandInOneArrayErrorsIncluded() {
        client.wire(cmd("SET", "text", "abc"));

        assertThat(client.wire(cmd("MULTI"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("INCR", "n") + cmd("INCR", "text") + cmd("SET", "k", "v") + cmd("GET", "k")))
                .isEqualTo("+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n");
        assertThat(client.wire(cmd("GET", "k"))).as("kept, not run").isEqualTo("+QUEUED\r\n");
        assertThat(server.keyspace.size()).isEqualTo(1);

        assertThat(client.wire(cmd("EXEC")))
                .isEqualTo("*5\r\n:1\r\n-ERR value is not an integer or out of range\r\n+OK\r\n$1\r\nv\r\n$1\r\nv\r\n");
        assertThat(client.wire(cmd("GET", "n"))).as("out of the transaction").isEqualTo("$1\r\n1\r\n");
        assertThat(client.wire(cmd("MULTI") + cmd("EXEC"))).isEqualTo("+OK\r\n*0\r\n");
    }

    @Test
    void aCommandRefusedWhileQueuingMakesExecDiscardTheTransaction() {
        assertThat(client.wire(cmd("MULTI") + cmd("SET", "a", "1") + cmd("NOPE") + cmd("GET") + cmd("SET", "b", "2")))
                .isEqualTo("+OK\r\n+QUEUED\r\n"
                        + "-ERR unknown command 'NOPE', with args beginning with: \r\n"
                        + "-ERR wrong number of arguments for 'get' command\r\n+QUEUED\r\n");

        assertThat(client.wire(cmd("EXEC")))
                .isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
        assertThat(server.keyspace.size()).isZero();
        assertThat(client.wire(cmd("SET", "a", "1"))).as("out of MULTI again").isEqualTo("+OK\r\n");
    }

    @Test
    void discardNestingAndStrayExecAreAnsweredAsRedisDoes() {
        assertThat(client.wire(cmd("EXEC"))).isEqualTo("-ERR EXEC without MULTI\r\n");
        assertThat(client.wire(cmd("DISCARD"))).isEqualTo("-ERR DISCARD without MULTI\r\n");
        assertThat(client.wire(cmd("MULTI") + cmd("MULTI"))).isEqualTo("+OK\r\n-ERR MULTI calls can not be nested\r\n");
        assertThat(client.wire(cmd("SET", "a", "1") + cmd("DISCARD"))).isEqualTo("+QUEUED\r\n+OK\r\n");
        assertThat(server.keyspace.size()).isZero();
        assertThat(client.wire(cmd("EXEC"))).isEqualTo("-ERR EXEC without MULTI\r\n");
        assertThat(client.wire(cmd("MULTI", "x"))).isEqualTo("-ERR wrong number of arguments for 'multi' command\r\n");
    }

    @Test
    void aWatchedKeyWrittenByAnotherClientMakesExecRunNothing() {
        InMemoryServer.Client other = server.connect();
        client.wire(cmd("SET", "k", "1") + cmd("INCR", "n") + cmd("RPUSH", "l", "a") + cmd("HSET", "hh", "f", "1"));

        assertThat(client.wire(cmd("WATCH", "k", "n", "l", "hh"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("MULTI") + cmd("SET", "k", "mine") + cmd("EXEC")))
                .as("nothing changed")
                .isEqualTo("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");

        for (String write : List.of(
                cmd("SET", "k", "1"),
                cmd("INCR", "n"),
                cmd("LPOP", "l") + cmd("RPUSH", "l", "a"),
                cmd("HSET", "hh", "f", "1"))) {
            client.wire(cmd("WATCH", "k", "n", "l", "hh"));
            other.wire(write);
            assertThat(client.wire(cmd("MULTI") + cmd("SET", "k", "mine") + cmd("EXEC")))
                    .as("after %s", write.replace("\r\n", " "))
                    .isEqualTo("+OK\r\n+QUEUED\r\n*-1\r\n");
        }
        assertThat(client.wire(cmd("GET", "k"))).isEqualTo("$1\r\n1\r\n");

        client.wire(cmd("WATCH", "k"));
        assertThat(client.wire(cmd("UNWATCH"))).isEqualTo("+OK\r\n");
        other.wire(cmd("SET", "k", "2"));
        assertThat(client.wire(cmd("MULTI") + cmd("GET", "k") + cmd("EXEC"))).endsWith("*1\r\n$1\r\n2\r\n");
        assertThat(client.wire(cmd("MULTI") + cmd("WATCH", "k") + cmd("DISCARD")))
                .isEqualTo("+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n+OK\r\n");
    }

    @Test
    void aWatchedKeyThatExpiresMakesExecRunNothing() {
        client.wire(cmd("SET", "e", "v", "PX", "10"));
        client.wire(cmd("WATCH", "e"));
        server.advanceMillis(10);
        assertThat(client.wire(cmd("MULTI") + cmd("SET", "x", "1") + cmd("EXEC")))
                .endsWith("*-1\r\n");
        assertThat(server.keyspace.inputBudget().held())
                .as("watches given back")
                .isLessThan(1_000);
    }

    @Test
    void overMaxmemoryQueuingIsRefusedAndAnExecHoldingAWriteIsDiscardedWhole() {
        String oom = "OOM command not allowed when used memory > 'maxmemory'.";
        client.wire(cmd("SET", "seed", "x"));
        assertThat(client.wire(cmd("MULTI") + cmd("SET", "a", "1") + cmd("GET", "a")))
                .isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n");
        server.keyspace.maxMemory(1);

        assertThat(client.wire(cmd("EXEC"))).isEqualTo("-EXECABORT Transaction discarded because of: " + oom + "\r\n");
        assertThat(client.wire(cmd("MULTI") + cmd("GET", "a") + cmd("EXEC")))
                .isEqualTo("+OK\r\n-" + oom + "\r\n-EXECABORT Transaction discarded because of previous errors.\r\n");

        server.keyspace.maxMemory(0);
        client.wire(cmd("MULTI") + cmd("GET", "seed"));
        server.keyspace.maxMemory(1);
        assertThat(client.wire(cmd("EXEC"))).as("reads only: runs").isEqualTo("*1\r\n$1\r\nx\r\n");
        assertThat(server.keyspace.size()).isEqualTo(1);
    }

    @Test
    void keptCommandsCountAgainstTheClientInputBudgetUntilTheTransactionEnds() {
        assertThat(server.keyspace.inputBudget().held()).isZero();
        client.wire(cmd("MULTI") + cmd("SET", "k", "v".repeat(10_000)));
        assertThat(server.keyspace.inputBudget().held()).isGreaterThan(10_000);

        client.wire(cmd("EXEC"));
        assertThat(server.keyspace.inputBudget().held()).isLessThan(10_000);

        client.wire(cmd("MULTI") + cmd("SET", "k", "v".repeat(10_000)));
        client.transport.close();
        assertThat(server.keyspace.inputBudget().held())
                .as("given back when the connection is lost")
                .isLessThan(10_000);
    }

    @Test
    void overTheBudgetTheCommandIsRefusedAndExecDiscards() {
        server.keyspace.maxClientInput(20_000);
        String reply =
                client.wire(cmd("MULTI") + cmd("SET", "k", "v".repeat(7_000)) + cmd("SET", "j", "w".repeat(7_000)));

        assertThat(reply).startsWith("+OK\r\n+QUEUED\r\n-ERR transaction larger than");
        assertThat(client.wire(cmd("EXEC"))).startsWith("-EXECABORT");
        assertThat(server.keyspace.size()).isZero();
    }
}
