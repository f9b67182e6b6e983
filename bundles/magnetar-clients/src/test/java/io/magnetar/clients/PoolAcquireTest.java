package io.magnetar.clients;

import static io.magnetar.clients.PoolFixture.await;
import static io.magnetar.clients.PoolFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.Connection;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a pool lends connections: reuse, waiting, timeouts, limits, cancellation, connect failures. */
class PoolAcquireTest {

    private final PoolFixture f = new PoolFixture();

    @AfterEach
    void closeAll() throws Exception {
        f.close();
    }

    @Test
    void acquireCreatesAConnectionThenReusesItOnceReleased() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection first = await(pool.acquire());
        assertThat(pool.inUse()).isEqualTo(1);
        assertThat(pool.available()).isZero();
        Connection c = first.connection();
        first.close();
        assertThat(pool.inUse()).isZero();
        assertThat(pool.available()).isEqualTo(1);
        try (PoolConnection again = await(pool.acquire())) {
            assertThat(again.connection()).isSameAs(c);
        }
        assertThat(pool.stats().created()).isEqualTo(1);
        assertThat(pool.stats().acquired()).isEqualTo(2);
    }

    @Test
    void acquireTimesOutWithAClearMessageAndLeavesNoSlotBehind() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(Duration.ofMillis(20)));
        PoolConnection held = await(pool.acquire());
        Throwable error = failure(pool.acquire());
        assertThat(error)
                .isInstanceOf(AcquireTimeoutException.class)
                .hasMessageContaining("no connection of pool 'test' became free within 20 ms")
                .hasMessageContaining("1 in use");
        assertThat(pool.stats().timedOut()).isEqualTo(1);
        assertThat(pool.pending()).isZero();
        Connection c = held.connection();
        held.close();
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isSameAs(c);
        }
        assertThat(pool.stats().created()).isEqualTo(1);
    }

    @Test
    void acquireTimeoutCoversTheWaitForAFreeConnectionNotTheConnect() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(Duration.ofMillis(20)));
        CompletableFuture<Void> connectGate = f.connector.holdNext();
        CompletableFuture<PoolConnection> connecting = pool.acquire();
        // The second acquire waits for the only slot and times out: the timeout has certainly passed...
        assertThat(failure(pool.acquire())).isInstanceOf(AcquireTimeoutException.class);
        // ...yet the acquire that is connecting is still fine, and succeeds once the connect does.
        assertThat(connecting).isNotDone();
        connectGate.complete(null);
        try (PoolConnection lease = await(connecting)) {
            assertThat(lease.connection().isClosed()).isFalse();
        }
    }

    @Test
    void refusesAcquiresBeyondThePendingLimitAtOnce() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).maxPending(2).acquireTimeout(null));
        PoolConnection held = await(pool.acquire());
        CompletableFuture<PoolConnection> w1 = pool.acquire();
        CompletableFuture<PoolConnection> w2 = pool.acquire();
        CompletableFuture<PoolConnection> refused = pool.acquire();
        assertThat(refused).isCompletedExceptionally();
        assertThat(failure(refused))
                .isInstanceOf(PendingAcquireLimitException.class)
                .hasMessageContaining("2 acquires already wait");
        assertThat(pool.stats().rejected()).isEqualTo(1);
        assertThat(pool.pending()).isEqualTo(2);
        held.close();
        await(w1).close();
        await(w2).close();
        assertThat(pool.stats().inUse()).isZero();
        assertThat(pool.pending()).isZero();
    }

    @Test
    void pendingLimitHoldsWhenManyThreadsAcquireAtOnce() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).maxPending(5).acquireTimeout(null));
        PoolConnection held = await(pool.acquire());
        int threads = 32;
        List<CompletableFuture<PoolConnection>> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                results.add(pool.acquire());
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join(5000);
        }
        long refused = results.stream()
                .filter(CompletableFuture::isCompletedExceptionally)
                .count();
        assertThat(refused).isEqualTo(threads - 5);
        assertThat(pool.pending()).isEqualTo(5);
        assertThat(pool.stats().rejected()).isEqualTo(threads - 5);
        // Closing fails the five waiters; none of them ever held a slot.
        CompletableFuture<Void> closed = pool.close();
        for (CompletableFuture<PoolConnection> f : results) {
            assertThat(failure(f)).isInstanceOfAny(PendingAcquireLimitException.class, PoolClosedException.class);
        }
        held.close();
        await(closed);
        assertThat(pool.stats().acquired()).isEqualTo(1);
    }

    @Test
    void cancellingAPendingAcquireGivesItsPlaceBack() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(null));
        PoolConnection held = await(pool.acquire());
        CompletableFuture<PoolConnection> waiter = pool.acquire();
        assertThat(pool.pending()).isEqualTo(1);
        waiter.cancel(false);
        assertThat(pool.pending()).isZero();
        held.close();
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.inUse()).isZero();
        await(pool.acquire()).close();
    }

    @Test
    void aConnectionMadeForAnAcquirerThatGaveUpGoesToThePool() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1));
        CompletableFuture<Void> connectGate = f.connector.holdNext();
        CompletableFuture<PoolConnection> gaveUp = pool.acquire();
        gaveUp.cancel(false);
        connectGate.complete(null);
        f.drainLoop();
        assertThat(pool.inUse()).isZero();
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.stats().created()).isEqualTo(1);
    }

    @Test
    void aFailedConnectFailsItsAcquireAndFreesTheSlotForTheNextWaiter() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1));
        CompletableFuture<Void> connectGate = f.connector.holdNext();
        CompletableFuture<PoolConnection> first = pool.acquire();
        CompletableFuture<PoolConnection> second = pool.acquire();
        assertThat(pool.pending()).isEqualTo(1);
        ConnectException refused = new ConnectException("refused by the test");
        connectGate.completeExceptionally(refused);
        assertThat(failure(first)).isSameAs(refused);
        // The freed slot went to the waiter, which made its own connection.
        try (PoolConnection lease = await(second)) {
            assertThat(lease.connection().isClosed()).isFalse();
        }
        PoolStats stats = pool.stats();
        assertThat(stats.connectFailed()).isEqualTo(1);
        assertThat(stats.created()).isEqualTo(1);
        assertThat(stats.connecting()).isZero();
    }

    @Test
    void aNewConnectionClosedBeforeItIsHandedOutFailsTheAcquireAndFreesTheSlot() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1));
        f.connector.dropNext();
        assertThat(failure(pool.acquire()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("was closed at once");
        PoolStats stats = pool.stats();
        assertThat(stats.closed()).isEqualTo(1);
        assertThat(stats.inUse()).isZero();
        await(pool.acquire()).close();
    }

    @Test
    void aRequestThroughTheLeaseReachesTheConnection() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1));
        try (PoolConnection lease = await(pool.acquire())) {
            CompletableFuture<Object> reply = lease.request("ping");
            LocalTransport t = f.connector.transport(lease.connection());
            f.drainLoop();
            assertThat(t.written).containsExactly("ping");
            t.deliver("pong");
            assertThat(await(reply)).isEqualTo("pong");
        }
        assertThat(pool.available()).isEqualTo(1);
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(null));
        PoolConnection held = await(pool.acquire());
        CompletableFuture<PoolConnection> w1 = pool.acquire();
        CompletableFuture<PoolConnection> w2 = pool.acquire();
        CompletableFuture<PoolConnection> w3 = pool.acquire();
        held.close();
        assertThat(w1).isDone();
        assertThat(w2).isNotDone();
        await(w1).close();
        assertThat(w2).isDone();
        assertThat(w3).isNotDone();
        await(w2).close();
        await(w3).close();
    }

    @Test
    void staysConsistentUnderConcurrentAcquireAndRelease() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(4).acquireTimeout(null).maxPending(64));
        int threads = 8;
        int rounds = 2000;
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < rounds; i++) {
                            pool.acquire().join().close();
                        }
                    },
                    r -> new Thread(r).start()));
        }
        for (CompletableFuture<Void> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        PoolStats s = pool.stats();
        assertThat(s.acquired()).isEqualTo((long) threads * rounds);
        assertThat(s.inUse()).isZero();
        assertThat(s.pending()).isZero();
        assertThat(s.created()).isLessThanOrEqualTo(4).isEqualTo(s.available());
    }
}
