package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyspace alone: expiry on a hand-moved clock, and what several threads at once may not break. */
class KeyspaceTest {

    private long now = 5_000;
    private final Keyspace keyspace = new Keyspace(() -> now);
    private final long[] scratch = new long[1];
    private ExecutorService threads;

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    private static Key key(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Key.probe().point(b, 0, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aProbeFindsTheStoredKeyAndIsNeverRetained() {
        byte[] arena = bytes("xxkeyxx");
        Key probe = Key.probe().point(arena, 2, 3);
        keyspace.set(probe, bytes("v"), false, 0, false, false);
        arena[2] = 'K'; // the arena is reused for the next command
        assertThat(keyspace.get(key("key"))).isEqualTo(bytes("v"));
        assertThat(keyspace.get(probe)).isNull();
    }

    @Test
    void expiredValuesAreAbsentAndTheSweepRemovesThem() {
        keyspace.set(key("a"), bytes("1"), true, keyspace.deadline(100), false, false);
        keyspace.set(key("b"), bytes("2"), true, keyspace.deadline(200), false, false);
        keyspace.set(key("c"), bytes("3"), false, 0, false, false);
        assertThat(keyspace.expiring()).isEqualTo(2);
        now += 100;
        assertThat(keyspace.size()).as("lazily: still stored").isEqualTo(3);
        assertThat(keyspace.exists(key("a"))).isFalse();
        assertThat(keyspace.size()).as("the read removed it").isEqualTo(2);
        assertThat(keyspace.removeExpired()).isZero();
        now += 100;
        assertThat(keyspace.removeExpired()).isEqualTo(1);
        assertThat(keyspace.size()).isEqualTo(1);
        assertThat(keyspace.removeExpired())
                .as("nothing left to expire: no scan")
                .isZero();
        assertThat(keyspace.delete(key("c"))).isTrue();
    }

    @Test
    void incrTurnsAStringIntoACounterAndRefusesOtherTypes() {
        keyspace.set(key("n"), bytes("41"), false, 0, false, false);
        assertThat(keyspace.incrBy(key("n"), 1, scratch)).isEqualTo(42);
        assertThat(keyspace.get(key("n"))).isInstanceOf(AtomicLong.class);
        keyspace.containers().push(key("l"), new byte[][] {bytes("x")}, 1, true);
        assertThatThrownBy(() -> keyspace.incrBy(key("l"), 1, scratch)).isSameAs(CommandError.WRONGTYPE);
    }

    @Test
    void concurrentIncrementsFromManyThreadsAreEachSeenOnce() throws Exception {
        int threadCount = 8;
        int perThread = 20_000;
        threads = Executors.newFixedThreadPool(threadCount);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            done.add(threads.submit(() -> {
                go.await();
                long[] s = new long[1];
                for (int i = 0; i < perThread; i++) {
                    // Every 1000th increment starts from a string again: both paths race.
                    if (i % 1000 == 999) {
                        keyspace.set(key("other"), bytes("7"), false, 0, false, false);
                    }
                    seen.add(keyspace.incrBy(key("counter"), 1, s));
                    keyspace.incrBy(key("other"), 1, s);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(seen).hasSize(threadCount * perThread);
        assertThat(((AtomicLong) keyspace.get(key("counter"))).get()).isEqualTo((long) threadCount * perThread);
    }

    @Test
    void concurrentPushesAndPopsLoseAndDuplicateNothing() throws Exception {
        int pushers = 4;
        int poppers = 4;
        int perPusher = 20_000;
        threads = Executors.newFixedThreadPool(pushers + poppers);
        Set<String> popped = ConcurrentHashMap.newKeySet();
        AtomicLong duplicates = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < pushers; t++) {
            int pusher = t;
            done.add(threads.submit(() -> {
                go.await();
                byte[][] one = new byte[1][];
                for (int i = 0; i < perPusher; i++) {
                    one[0] = bytes(pusher + ":" + i);
                    keyspace.containers().push(key("q"), one, 1, i % 2 == 0);
                }
                return null;
            }));
        }
        for (int t = 0; t < poppers; t++) {
            int popper = t;
            done.add(threads.submit(() -> {
                go.await();
                Elements into = new Elements();
                for (int i = 0; i < perPusher; i++) {
                    // The list empties and is removed and re-created over and over: the dead-list path.
                    int n = keyspace.containers().pop(key("q"), popper % 2 == 0, 3, into);
                    for (int j = 0; j < n; j++) {
                        if (!popped.add(new String(into.capacity(n)[j], StandardCharsets.UTF_8))) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        Elements rest = new Elements();
        int left = Math.max(0, keyspace.containers().pop(key("q"), true, Integer.MAX_VALUE, rest));
        Set<String> all = new HashSet<>(popped);
        for (int j = 0; j < left; j++) {
            assertThat(all.add(new String(rest.capacity(left)[j], StandardCharsets.UTF_8)))
                    .isTrue();
        }
        assertThat(duplicates.get()).isZero();
        assertThat(all).hasSize(pushers * perPusher);
        assertThat(keyspace.size()).isZero();
    }
}
