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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How connections leave a pool: peer closes, validation, eviction, lifetime, detach, close; reuse order; counters. */
class PoolLifecycleTest {

    private final PoolFixture f = new PoolFixture();

    @AfterEach
    void closeAll() throws Exception {
        f.close();
    }

    @Test
    void anIdleConnectionClosedByThePeerLeavesThePoolAndIsNeverHandedOut() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        lease.close();
        f.connector.transport(c).peerClose();
        await(c.connectionLost());
        f.drainLoop();
        assertThat(pool.available()).isZero();
        assertThat(pool.stats().closed()).isEqualTo(1);
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isNotSameAs(c);
        }
        assertThat(pool.stats().created()).isEqualTo(2);
    }

    @Test
    void acquireDiscardsAnIdleConnectionWhoseTransportIsClosing() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        lease.close();
        // The socket died but connectionLost has not run yet: only validation on acquire can notice.
        f.connector.transport(c).markClosingOnly();
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isNotSameAs(c);
        }
        assertThat(pool.stats().closed()).isEqualTo(1);
        assertThat(pool.stats().created()).isEqualTo(2);
    }

    @Test
    void releaseClosesAConnectionThatDiedWhileInUse() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        f.connector.transport(c).peerClose();
        await(c.connectionLost());
        lease.close();
        assertThat(pool.available()).isZero();
        assertThat(pool.inUse()).isZero();
        assertThat(pool.stats().closed()).isEqualTo(1);
    }

    @Test
    void releaseClosesAConnectionWhoseReplyIsStillOnItsWay() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        CompletableFuture<Object> reply = lease.request("hello");
        lease.close();
        await(c.connectionLost());
        assertThat(reply).isCompletedExceptionally();
        assertThat(pool.available()).isZero();
        assertThat(pool.stats().closed()).isEqualTo(1);
    }

    @Test
    void detachTakesTheConnectionOutOfThePoolAndFreesItsSlot() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1));
        PoolConnection lease = await(pool.acquire());
        Connection detached = lease.detach();
        assertThat(lease.isReleased()).isTrue();
        assertThat(pool.inUse()).isZero();
        assertThat(pool.available()).isZero();
        assertThat(pool.stats().detached()).isEqualTo(1);
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isNotSameAs(detached);
        }
        await(pool.close());
        assertThat(detached.isClosed())
                .as("the pool no longer owns a detached connection")
                .isFalse();
        detached.close();
        await(detached.connectionLost());
        assertThat(pool.stats().closed()).isEqualTo(1);
    }

    @Test
    void theBackgroundEvictorClosesConnectionsIdleLongerThanMaxIdleTime() throws Exception {
        Pool pool =
                f.pool(b -> b.poolSize(2).maxIdleTime(Duration.ofMillis(30)).evictionInterval(Duration.ofMillis(5)));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        lease.close();
        // Nobody acquires or releases again: only the evictor can close it.
        await(c.connectionLost());
        PoolStats stats = pool.stats();
        assertThat(stats.available()).isZero();
        assertThat(stats.evicted()).isEqualTo(1);
        assertThat(stats.closed()).isEqualTo(1);
    }

    @Test
    void acquireSkipsAConnectionIdleLongerThanMaxIdleTime() throws Exception {
        AtomicLong now = new AtomicLong();
        Pool pool = f.pool(b ->
                b.poolSize(2).maxIdleTime(Duration.ofSeconds(1)).clock(now::get).evictionInterval(Duration.ofHours(1)));
        PoolConnection lease = await(pool.acquire());
        Connection c = lease.connection();
        lease.close();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isNotSameAs(c);
        }
        await(c.connectionLost());
    }

    @Test
    void connectionsOlderThanMaxLifetimeAreClosedOnReleaseOnAcquireAndByTheEvictor() throws Exception {
        AtomicLong now = new AtomicLong();
        long second = Duration.ofSeconds(1).toNanos();
        Pool pool = f.pool(b ->
                b.poolSize(2).maxLifetime(Duration.ofSeconds(1)).clock(now::get).evictionInterval(Duration.ofHours(1)));
        // On release: made at 0, released at 2 s.
        PoolConnection a = await(pool.acquire());
        now.set(2 * second);
        a.close();
        assertThat(pool.available()).isZero();
        assertThat(pool.stats().closed()).isEqualTo(1);
        // On acquire: made at 2 s, parked, asked for at 3.5 s.
        PoolConnection b = await(pool.acquire());
        Connection bc = b.connection();
        b.close();
        assertThat(pool.available()).isEqualTo(1);
        now.set(3 * second + second / 2);
        PoolConnection c = await(pool.acquire());
        assertThat(c.connection()).isNotSameAs(bc);
        assertThat(pool.stats().closed()).isEqualTo(2);
        // By the evictor: made at 3.5 s, parked, evicted at 5 s.
        c.close();
        now.set(5 * second);
        pool.evictNow();
        assertThat(pool.available()).isZero();
        assertThat(pool.stats().evicted()).isEqualTo(1);
        assertThat(pool.stats().closed()).isEqualTo(3);
    }

    @Test
    void lifoReusesTheMostRecentlyReleasedConnection() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(3));
        List<Connection> released = acquireThreeReleaseInOrder(pool);
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isSameAs(released.get(2));
        }
    }

    @Test
    void fifoReusesTheLongestIdleConnection() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(3).order(Pool.Order.FIFO));
        List<Connection> released = acquireThreeReleaseInOrder(pool);
        try (PoolConnection next = await(pool.acquire())) {
            assertThat(next.connection()).isSameAs(released.get(0));
        }
    }

    private static List<Connection> acquireThreeReleaseInOrder(Pool pool) throws Exception {
        List<PoolConnection> leases = List.of(await(pool.acquire()), await(pool.acquire()), await(pool.acquire()));
        List<Connection> order = new ArrayList<>();
        for (PoolConnection l : leases) {
            order.add(l.connection());
            l.close();
        }
        assertThat(pool.available()).isEqualTo(3);
        return order;
    }

    @Test
    void countersTrackEveryOutcomePerPool() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(Duration.ofMillis(10)));
        f.connector.failNext(new ConnectException("refused by the test"));
        failure(pool.acquire()); // connect failed
        PoolConnection held = await(pool.acquire()); // created 1, acquired 1
        failure(pool.acquire()); // timed out
        held.close();
        Connection detached = await(pool.acquire()).detach(); // acquired 2, detached 1
        assertThat(pool.stats()).isEqualTo(new PoolStats(1, 0, 0, 0, 0, 1, 0, 2, 1, 0, 1, 0, 1));

        Pool other = f.pool(b -> b.poolSize(1).maxPending(0).acquireTimeout(null));
        PoolConnection otherHeld = await(other.acquire());
        assertThat(failure(other.acquire())).isInstanceOf(PendingAcquireLimitException.class);
        assertThat(other.stats()).isEqualTo(new PoolStats(1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0));
        assertThat(pool.stats().rejected()).as("counters are per pool").isZero();
        otherHeld.close();
        detached.close();
    }

    @Test
    void closeClosesIdleConnectionsNowAndBorrowedOnesWhenReleased() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(2));
        PoolConnection held = await(pool.acquire());
        PoolConnection idleLease = await(pool.acquire());
        Connection idle = idleLease.connection();
        idleLease.close();
        CompletableFuture<Void> closed = pool.close();
        await(idle.connectionLost());
        assertThat(failure(pool.acquire()))
                .isInstanceOf(PoolClosedException.class)
                .hasMessageContaining("pool 'test' is closed");
        assertThat(closed).isNotDone();
        Connection borrowed = held.connection();
        assertThat(borrowed.isClosed()).isFalse();
        held.close();
        await(closed);
        assertThat(borrowed.isClosed()).isTrue();
        assertThat(pool.stats().closed()).isEqualTo(2);
    }

    @Test
    void closeFailsWaitingAcquires() throws Exception {
        Pool pool = f.pool(b -> b.poolSize(1).acquireTimeout(null));
        PoolConnection held = await(pool.acquire());
        CompletableFuture<PoolConnection> waiting = pool.acquire();
        pool.close();
        assertThat(failure(waiting)).isInstanceOf(PoolClosedException.class);
        assertThat(pool.pending()).isZero();
        held.close();
    }
}
