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
        RedisClient reader = onTheOtherLoop();

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

    /** A client whose server connection is on the loop the first connection's is not. */
    private RedisClient onTheOtherLoop() throws Exception {
        for (int tries = 0; tries < 16; tries++) {
            // Clients and accepted connections take turns on one round-robin of loops: a turn taken here
            // moves the next accepted connection to the other loop.
            resp.group.next();
            RedisClient candidate = resp.client(b -> b.poolSize(1));
            assertThat(await(candidate.ping())).isEqualTo("PONG");
            if (resp.connections.stream()
                            .map(c -> c.transport().loop())
                            .distinct()
                            .count()
                    == 2) {
                return candidate;
            }
        }
        throw new AssertionError("no connection on the other loop");
    }

    @Test
    /** A counter read and replaced (APPEND) while another loop increments it loses no increment. */
    void appendOnACounterLosesNoIncrementFromTheOtherLoop() throws Exception {
        RedisClient counter = resp.client(b -> b.poolSize(1));
        assertThat(await(counter.incr("c"))).isEqualTo(1L);
        RedisClient appender = onTheOtherLoop();
        List<RespCommand> incrs = new ArrayList<>();
        List<RespCommand> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            incrs.add(RespCommand.of("INCR", "c"));
            appends.add(RespCommand.of("APPEND", "c", ""));
        }
        int rounds = 100;
        CompletableFuture<Void> appending = CompletableFuture.runAsync(() -> {
            try {
                for (int r = 0; r < rounds; r++) {
                    List<CompletableFuture<Object>> replies = appender.execute(appends);
                    await(replies.get(replies.size() - 1));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int r = 0; r < rounds; r++) {
            List<CompletableFuture<Object>> replies = counter.execute(incrs);
            await(replies.get(replies.size() - 1));
        }
        appending.get(30, TimeUnit.SECONDS);

        assertThat(await(counter.get("c"))).isEqualTo(Long.toString(1 + 200L * rounds));
    }
}
