package io.magnetar.clients;

import io.magnetar.api.EventLoop;
import io.magnetar.protocols.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A pool creator that makes {@link LocalTransport} connections on one loop. A test may hold the next
 * connect back ({@link #holdNext()}) or fail it ({@link #failNext}) to control the connect phase.
 */
final class LocalConnector implements Supplier<CompletableFuture<Connection>> {

    private final EventLoop loop;
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    final List<LocalTransport> transports = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean dropNext;

    LocalConnector(EventLoop loop) {
        this.loop = loop;
    }

    /** The next connect completes only when the returned future does, and fails if it fails. */
    CompletableFuture<Void> holdNext() {
        CompletableFuture<Void> g = new CompletableFuture<>();
        gate.set(g);
        return g;
    }

    /** The next connection is made, then dropped by the peer before anyone could use it. */
    void dropNext() {
        dropNext = true;
    }

    /** The next connect fails with {@code error}. */
    void failNext(Exception error) {
        failure.set(error);
    }

    @Override
    public CompletableFuture<Connection> get() {
        Exception error = failure.getAndSet(null);
        if (error != null) {
            return CompletableFuture.failedFuture(error);
        }
        CompletableFuture<Void> g = gate.getAndSet(null);
        CompletableFuture<Connection> made = new CompletableFuture<>();
        Runnable connect = () -> loop.execute(() -> {
            Connection c = new Connection(TextConsumer::new);
            LocalTransport t = new LocalTransport(loop, c);
            connections.add(c);
            transports.add(t);
            t.start();
            if (dropNext) {
                dropNext = false;
                t.markClosingOnly();
            }
            made.complete(c);
        });
        if (g == null) {
            connect.run();
        } else {
            g.whenComplete((v, e) -> {
                if (e != null) {
                    made.completeExceptionally(e);
                } else {
                    connect.run();
                }
            });
        }
        return made;
    }

    /** The transport of {@code c}. */
    LocalTransport transport(Connection c) {
        return transports.get(connections.indexOf(c));
    }
}
