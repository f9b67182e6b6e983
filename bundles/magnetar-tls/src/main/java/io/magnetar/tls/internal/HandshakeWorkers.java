package io.magnetar.tls.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the TLS handshakes' delegated tasks ({@code SSLEngine.getDelegatedTask()}: key
 * agreement, signing, certificate checks), so that a handshake never stalls the event loop it belongs
 * to. CPU work, so at most one thread per processor; handshakes beyond that queue. Threads are daemons
 * named {@code <name>-N}, started on demand and ended after {@value #IDLE_SECONDS} s without work, so a pool that
 * is never shut down still lets its threads go.
 *
 * <p>Thread-safe.
 */
public final class HandshakeWorkers implements Executor {

    /** How long an idle thread waits for the next handshake before it ends. */
    private static final long IDLE_SECONDS = 10;

    private final ThreadPoolExecutor pool;

    public HandshakeWorkers(String name) {
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = new ThreadPoolExecutor(
                threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on a worker.
     *
     * @throws java.util.concurrent.RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Refuses new tasks; those already queued still run, then the threads end. */
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public String toString() {
        return "HandshakeWorkers[" + pool.getPoolSize() + " threads, "
                + pool.getQueue().size() + " queued]";
    }
}
