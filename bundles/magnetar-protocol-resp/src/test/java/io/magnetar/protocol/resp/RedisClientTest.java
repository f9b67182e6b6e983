package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.clients.PoolStats;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.tcp.TcpTransportProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisClient} against a real redis-server on a free loopback port, started per test. */
class RedisClientTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "redis-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private final List<RedisServer> servers = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();
    private ExecutorService callers;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        RedisServer.assumeInstalled();
        port = RedisServer.freePort();
        servers.add(RedisServer.start(port));
    }

    @AfterEach
    void stop() throws Exception {
        if (callers != null) {
            callers.shutdownNow();
        }
        for (RedisClient c : clients) {
            c.abort().get(5, TimeUnit.SECONDS);
        }
        for (RedisServer s : servers) {
            s.close();
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    private RedisClient client(UnaryOperator<RedisClient.Builder> options) {
        RedisClient c = options.apply(RedisClient.builder(tcp, new InetSocketAddress("127.0.0.1", port)))
                .build();
        clients.add(c);
        return c;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + f + " to fail");
    }

    @Test
    void tenThousandCommandsFromFiftyCallersOnAPoolOfEightEachGetTheirOwnReply() throws Exception {
        RedisClient redis = client(b -> b.poolSize(8));
        int callerCount = 50;
        int rounds = 50;
        String run = "run" + System.nanoTime();
        Set<Long> counts = ConcurrentHashMap.newKeySet();
        callers = Executors.newFixedThreadPool(callerCount);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int c = 0; c < callerCount; c++) {
            int caller = c;
            done.add(callers.submit(() -> {
                go.await();
                for (int r = 0; r < rounds; r++) {
                    String key = run + ":" + caller + ":" + r;
                    String value = "value of caller " + caller + " round " + r;
                    assertThat(await(redis.set(key, value))).isEqualTo("OK");
                    assertThat(await(redis.get(key))).isEqualTo(value);
                    assertThat(counts.add(await(redis.incr(run + ":counter"))))
                            .as("INCR replies are unique")
                            .isTrue();
                    assertThat(await(redis.del(key))).isEqualTo(1L);
                }
                return rounds * 4;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        int commands = 0;
        for (Future<Integer> f : done) {
            commands += f.get(50, TimeUnit.SECONDS);
        }
        long elapsed = System.nanoTime() - start;
        System.out.printf(
                "RedisClient: %d commands from %d callers over %d connections in %.0f ms: %.0f commands/s%n",
                commands, callerCount, redis.pool().poolSize(), elapsed / 1e6, commands / (elapsed / 1e9));

        assertThat(commands).isEqualTo(10_000);
        assertThat(counts)
                .isEqualTo(
                        LongStream.rangeClosed(1, callerCount * rounds).boxed().collect(Collectors.toSet()));
        assertThat(redis.requestsProcessed()).isEqualTo(10_000);
        PoolStats stats = redis.pool().stats();
        assertThat(stats.created()).isLessThanOrEqualTo(8);
        assertThat(stats.inUse()).isZero();
        assertThat(stats.acquired()).isEqualTo(10_000);
        assertThat(redis.sessions()).isEqualTo((int) stats.created());
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderAndAnErrorFailsOnlyItsCommand() throws Exception {
        RedisClient redis = client(b -> b.poolSize(2));
        String run = "pipe" + System.nanoTime();
        List<RespCommand> commands = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            commands.add(RespCommand.of("SET", run + ":" + i, i));
        }
        commands.add(500, RespCommand.of("INCR", run + ":text"));
        commands.add(500, RespCommand.of("SET", run + ":text", "not a number"));
        for (int i = 0; i < 1000; i++) {
            commands.add(RespCommand.of("INCRBY", run + ":" + i, 1));
        }
        List<CompletableFuture<Object>> replies = redis.execute(commands);
        for (int i = 0; i < 1000; i++) {
            int at = i < 500 ? i : i + 2;
            assertThat(await(replies.get(at))).as("SET %d", i).isEqualTo("OK");
            assertThat(await(replies.get(1002 + i))).as("INCRBY %d", i).isEqualTo(i + 1L);
        }
        assertThat(await(replies.get(500))).isEqualTo("OK");
        Throwable error = failure(replies.get(501));
        assertThat(error).isInstanceOf(RedisException.class).hasMessageContaining("not an integer");
        assertThat(((RedisException) error).code()).isEqualTo("ERR");
        assertThat(redis.sessions())
                .as("one connection carried the whole pipeline")
                .isEqualTo(1);
        assertThat(redis.requestsProcessed()).as("as one exchange").isEqualTo(1);
    }

    @Test
    void anErrorReplyFailsOnlyItsCommandAndTheConnectionStaysInUse() throws Exception {
        RedisClient redis = client(b -> b.poolSize(1));
        Throwable error = failure(redis.command("NOSUCHCOMMAND", "x"));
        assertThat(error).isInstanceOf(RedisException.class).hasMessageContaining("unknown command");
        assertThat(await(redis.ping())).isEqualTo("PONG");
        assertThat(redis.sessions()).isEqualTo(1);
        assertThat(redis.pool().stats().closed()).isZero();
    }

    @Test
    void nestedArraysFromAScriptArriveIntact() throws Exception {
        RedisClient redis = client(b -> b);
        Object reply =
                await(redis.command("EVAL", "return {1, {2, {3, 'x'}}, redis.status_reply('fine'), false, {}}", "0"));
        assertThat(reply).isInstanceOf(List.class);
        List<?> top = (List<?>) reply;
        assertThat(top).hasSize(5);
        assertThat(top.get(0)).isEqualTo(1L);
        List<?> second = (List<?>) top.get(1);
        assertThat(second.get(0)).isEqualTo(2L);
        List<?> third = (List<?>) second.get(1);
        assertThat(third.get(0)).isEqualTo(3L);
        assertThat(new String((byte[]) third.get(1), StandardCharsets.UTF_8)).isEqualTo("x");
        assertThat(top.get(2)).isEqualTo("fine");
        assertThat(top.get(3)).isNull();
        assertThat(top.get(4)).isEqualTo(List.of());
    }

    @Test
    void aReplyOverTheBulkLimitFailsClearlyAndTheNextCommandUsesAFreshConnection() throws Exception {
        RedisClient redis = client(b -> b.poolSize(1).limits(new RespLimits(16, 1024, 8, 1024)));
        String key = "big" + System.nanoTime();
        assertThat(await(redis.set(key, "x".repeat(100)))).isEqualTo("OK");
        assertThat(failure(redis.get(key)))
                .isInstanceOf(RespProtocolException.class)
                .hasMessage("bulk string of 100 bytes exceeds the limit of 16");
        assertThat(await(redis.ping())).isEqualTo("PONG");
        assertThat(redis.sessions()).isEqualTo(2);
        assertThat(redis.pool().stats().closed()).isEqualTo(1);
    }

    @Test
    void killingTheServerFailsPendingCommandsClearlyAndThePoolRecoversOnANewServer() throws Exception {
        RedisClient redis = client(b -> b.poolSize(8));
        int callerCount = 20;
        String counter = "kill" + System.nanoTime();
        CountDownLatch warm = new CountDownLatch(2000);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        callers = Executors.newFixedThreadPool(callerCount);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < callerCount; c++) {
            loops.add(callers.submit(() -> {
                // Each caller goes on until its first failure, which the kill below must cause.
                while (true) {
                    try {
                        redis.incr(counter).get(10, TimeUnit.SECONDS);
                        warm.countDown();
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                        return null;
                    }
                }
            }));
        }
        assertThat(warm.await(30, TimeUnit.SECONDS))
                .as("2000 commands before the kill")
                .isTrue();
        servers.get(0).kill();
        for (Future<?> f : loops) {
            f.get(30, TimeUnit.SECONDS);
        }

        assertThat(failures).hasSize(callerCount);
        long lostInFlight = failures.stream()
                .filter(e -> e.getMessage().contains("connection lost before the reply to INCR"))
                .count();
        long refused = failures.stream()
                .filter(e -> e.getMessage().contains("cannot connect"))
                .count();
        System.out.printf(
                "RedisClient after kill: %d commands lost in flight, %d refused a new connection%n",
                lostInFlight, refused);
        for (Throwable e : failures) {
            assertThat(e)
                    .isInstanceOf(RedisConnectionException.class)
                    .hasMessageStartingWith("redis 127.0.0.1:" + port + ": ");
        }
        assertThat(lostInFlight + refused).isEqualTo(callerCount);

        // Every old connection must be known dead before the new server listens (else one might
        // reach the new server's port as a stale socket): wait for the client to have none left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis.connections() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(redis.connections()).isZero();
        assertThat(redis.pool().stats().inUse()).isZero();
        int sessionsBefore = redis.sessions();

        servers.add(RedisServer.start(port));
        List<CompletableFuture<Long>> after = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            after.add(redis.incr(counter));
        }
        Set<Long> values = ConcurrentHashMap.newKeySet();
        for (CompletableFuture<Long> f : after) {
            values.add(await(f));
        }
        // A fresh server: the counter starts again from 1.
        assertThat(values).isEqualTo(LongStream.rangeClosed(1, 1000).boxed().collect(Collectors.toSet()));
        assertThat(redis.sessions()).isGreaterThan(sessionsBefore);
    }
}
