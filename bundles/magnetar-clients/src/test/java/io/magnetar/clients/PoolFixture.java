package io.magnetar.clients;

import io.magnetar.loop.SelectorEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Pools over in-VM connections on one real loop, whose death the tests control exactly; closes every
 * pool it made (which fails the test if a lease leaked) and the loop.
 */
final class PoolFixture implements AutoCloseable {

    final SelectorEventLoop loop = new SelectorEventLoop("pool-test");
    final LocalConnector connector = new LocalConnector(loop);
    private final List<Pool> pools = new ArrayList<>();

    Pool pool(UnaryOperator<PoolBuilder> options) {
        Pool p = options.apply(Pool.builder(connector).name("test")).build();
        pools.add(p);
        return p;
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    /** The error {@code f} failed with, unwrapped. */
    static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + f + " to fail");
    }

    /** Waits until everything queued on the loop so far has run. */
    void drainLoop() throws Exception {
        CompletableFuture.runAsync(() -> {}, loop).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (Pool p : pools) {
            p.close().get(5, TimeUnit.SECONDS);
        }
        loop.close().get(5, TimeUnit.SECONDS);
    }
}
