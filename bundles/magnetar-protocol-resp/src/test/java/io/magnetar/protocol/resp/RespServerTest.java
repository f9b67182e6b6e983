package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.internal.RespServerConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Magnetar RESP server over loopback TCP, driven by Magnetar's own {@link RedisClient} and raw sockets. */
class RespServerTest {

    private MagnetarRespServer resp;
    private ExecutorService callers;

    @BeforeEach
    void start() throws Exception {
        resp = new MagnetarRespServer(new RespServerLimits(1 << 20, 1024, 1024, 4 << 20));
    }

    @AfterEach
    void stop() throws Exception {
        if (callers != null) {
            callers.shutdownNow();
        }
        resp.close();
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
    void theMagnetarClientRunsCommandsAndAnErrorFailsOnlyItsCommand() throws Exception {
        RedisClient redis = resp.client(b -> b.poolSize(1));
        assertThat(await(redis.ping())).isEqualTo("PONG");
        assertThat(await(redis.set("greeting", "hello, magnetar"))).isEqualTo("OK");
        assertThat(await(redis.get("greeting"))).isEqualTo("hello, magnetar");
        assertThat(await(redis.incr("n"))).isEqualTo(1L);
        assertThat(await(redis.incr("n"))).isEqualTo(2L);
        Throwable error = failure(redis.command("NOSUCHCOMMAND", "x"));
        assertThat(error)
                .isInstanceOf(RedisException.class)
                .hasMessage("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ");
        assertThat(failure(redis.command("LPUSH", "greeting", "x")))
                .isInstanceOf(RedisException.class)
                .extracting(e -> ((RedisException) e).code())
                .isEqualTo("WRONGTYPE");
        assertThat(await(redis.del("greeting", "n", "none"))).isEqualTo(2L);
        assertThat(await(redis.get("greeting"))).isNull();
        assertThat(redis.sessions()).as("errors keep the connection").isEqualTo(1);
        assertThat(resp.server.requestsProcessed())
                .as("one exchange per command")
                .isEqualTo(9);
    }

    @Test
    void twoThousandPipelinedCommandsAreAnsweredInOrder() throws Exception {
        RedisClient redis = resp.client(b -> b.poolSize(1));
        List<RespCommand> commands = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            commands.add(RespCommand.of("SET", "pipe:" + i, i));
        }
        for (int i = 0; i < 1000; i++) {
            commands.add(RespCommand.of("INCRBY", "pipe:" + i, 1));
        }
        commands.add(1000, RespCommand.of("INCR", "pipe:text"));
        commands.add(1000, RespCommand.of("SET", "pipe:text", "not a number"));
        List<CompletableFuture<Object>> replies = redis.execute(commands);
        for (int i = 0; i < 1000; i++) {
            assertThat(await(replies.get(i))).as("SET %d", i).isEqualTo("OK");
            assertThat(await(replies.get(1002 + i))).as("INCRBY %d", i).isEqualTo(i + 1L);
        }
        assertThat(await(replies.get(1000))).isEqualTo("OK");
        assertThat(failure(replies.get(1001)))
                .isInstanceOf(RedisException.class)
                .hasMessageContaining("not an integer");
        assertThat(resp.store.size()).isEqualTo(1001);
    }

    @Test
    void callersOnConnectionsOfBothLoopsShareOneStoreAndEachIncrementIsSeenOnce() throws Exception {
        RedisClient redis = resp.client(b -> b.poolSize(8));
        int callerCount = 40;
        int rounds = 50;
        Set<Long> counts = ConcurrentHashMap.newKeySet();
        callers = Executors.newFixedThreadPool(callerCount);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callerCount; c++) {
            int caller = c;
            done.add(callers.submit(() -> {
                go.await();
                for (int r = 0; r < rounds; r++) {
                    String key = "k:" + caller + ":" + r;
                    assertThat(await(redis.set(key, "v" + r))).isEqualTo("OK");
                    assertThat(await(redis.get(key))).isEqualTo("v" + r);
                    assertThat(counts.add(await(redis.incr("shared")))).isTrue();
                    assertThat(await(redis.command("RPUSH", "log", key))).isInstanceOf(Long.class);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(50, TimeUnit.SECONDS);
        }
        assertThat(counts)
                .isEqualTo(
                        LongStream.rangeClosed(1, callerCount * rounds).boxed().collect(Collectors.toSet()));
        assertThat(await(redis.command("LLEN", "log"))).isEqualTo((long) callerCount * rounds);
        assertThat(resp.connections.stream()
                        .map(c -> c.transport().loop())
                        .distinct()
                        .count())
                .as("connections on both loops")
                .isEqualTo(2);
    }

    @Test
    void aProtocolErrorIsAnsweredAndClosesOnlyThatConnection() throws Exception {
        RedisClient redis = resp.client(b -> b.poolSize(1));
        assertThat(await(redis.set("kept", "yes"))).isEqualTo("OK");
        try (Socket s = resp.connect()) {
            s.getOutputStream().write("PING\r\n*1\r\n$-5\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(s.getInputStream()))
                    .isEqualTo("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
        }
        RespServerConnection refused = resp.connections.stream()
                .filter(c -> c.closeReason() != null)
                .findFirst()
                .orElseThrow();
        assertThat(refused.closeReason()).isEqualTo("Protocol error: invalid bulk length");
        assertThat(await(redis.get("kept"))).isEqualTo("yes");
    }

    @Test
    void aRawClientMayPipelineInlineCommandsAndHalfClose() throws Exception {
        try (Socket s = resp.connect()) {
            s.getOutputStream().write("PING\r\nSET a 1\r\nINCR a\r\nGET a\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(readToEnd(s.getInputStream())).isEqualTo("+PONG\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
        }
    }

    /** Everything up to the server's close: it must close, or the read times out. */
    static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // A reset ends the stream as well.
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
