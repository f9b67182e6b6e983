package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code EXEC} is one step for every other client, as in redis-server: a client on the other event loop
 * reading the counter a transaction increments a hundred times never sees it part-way.
 */
class TransactionIsolationTest {

    private static final int STEP = 100;
    private MagnetarRespServer resp;

    @BeforeEach
    void start() throws Exception {
        resp = new MagnetarRespServer();
    }

    @AfterEach
    void stop() throws Exception {
        resp.close();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReaderOnTheOtherLoopNeverSeesATransactionPartWay() throws Exception {
        RedisClient writer = resp.client(b -> b.poolSize(1));
        assertThat(await(writer.set("x", "0"))).isEqualTo("OK");
        RedisClient other = null;
        for (int tries = 0; tries < 16 && other == null; tries++) {
            // Clients and accepted connections take turns on one round-robin of loops: a turn taken here
            // moves the next accepted connection to the other loop.
            resp.group.next();
            RedisClient candidate = resp.client(b -> b.poolSize(1));
            assertThat(await(candidate.get("x"))).isEqualTo("0");
            if (resp.connections.stream()
                            .map(c -> c.transport().loop())
                            .distinct()
                            .count()
                    == 2) {
                other = candidate; // the server connection just made is on the loop the writer's is not
            }
        }
        assertThat(other).as("a connection on the other loop").isNotNull();
        RedisClient reader = other;

        List<RespCommand> transaction = new ArrayList<>();
        transaction.add(RespCommand.of("MULTI"));
        for (int i = 0; i < STEP; i++) {
            transaction.add(RespCommand.of("INCR", "x"));
        }
        transaction.add(RespCommand.of("EXEC"));
        List<RespCommand> reads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            reads.add(RespCommand.of("GET", "x"));
        }

        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<List<Long>> seen = CompletableFuture.supplyAsync(() -> {
            List<Long> values = new ArrayList<>();
            try {
                while (!done.get()) {
                    for (CompletableFuture<Object> r : reader.execute(reads)) {
                        values.add(Long.parseLong(
                                new String((byte[]) await(r), java.nio.charset.StandardCharsets.US_ASCII)));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return values;
        });
        int rounds = 1000;
        for (int round = 1; round <= rounds; round++) {
            List<CompletableFuture<Object>> replies = writer.execute(transaction);
            Object exec = await(replies.get(replies.size() - 1));
            assertThat(exec).asList().hasSize(STEP).last().isEqualTo((long) round * STEP);
        }
        done.set(true);

        List<Long> values = seen.get(30, TimeUnit.SECONDS);
        assertThat(values)
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v % STEP)
                        .as("%d is part-way through a transaction", v)
                        .isZero());
        assertThat(await(reader.get("x"))).isEqualTo(Long.toString((long) rounds * STEP));
    }
}
