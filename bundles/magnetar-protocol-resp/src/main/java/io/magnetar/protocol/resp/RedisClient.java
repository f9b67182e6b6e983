package io.magnetar.protocol.resp;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.clients.AbstractClient;
import io.magnetar.clients.Pool;
import io.magnetar.clients.PoolConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A small Redis client on a {@link Pool} of RESP2 connections: each command borrows a connection for
 * one exchange; {@link #execute(List)} pipelines many commands on one connection.
 *
 * <p>Failures: an error reply fails that command alone with {@link RedisException}; a lost connection
 * or an unreachable server fails with {@link RedisConnectionException} naming the server and command;
 * a pool that stays full fails with the pool's {@code AcquireTimeoutException} or
 * {@code PendingAcquireLimitException}; a malformed reply with {@link RespProtocolException}.
 *
 * <p>Thread-safe; futures complete on a connection's event loop (or the pool's timer thread), after the
 * connection went back to the pool.
 */
public final class RedisClient extends AbstractClient {

    private final InetSocketAddress address;
    private final String server;
    private final Pool pool;

    private RedisClient(Builder b) {
        super(
                b.transport,
                () -> RespClientConsumer.newConnection(b.limits),
                Endpoint.builder().connectTimeout(b.connectTimeout).build());
        this.address = b.address;
        this.server = "redis " + address.getHostString() + ":" + address.getPort();
        this.pool = Pool.builder(() -> createConnection(address))
                .name(server)
                .poolSize(b.poolSize)
                .maxPending(b.maxPending)
                .acquireTimeout(b.acquireTimeout)
                .maxIdleTime(b.maxIdleTime)
                .maxLifetime(b.maxLifetime)
                .build();
    }

    /** A builder of a client of the server at {@code address}, connecting through {@code transport}. */
    public static Builder builder(TransportProvider transport, InetSocketAddress address) {
        return new Builder(transport, address);
    }

    /** Sends one command ({@link RespCommand#of}) and completes with its reply. */
    public CompletableFuture<Object> command(Object... args) {
        return execute(RespCommand.of(args));
    }

    /** Sends {@code command} on a pooled connection and completes with its reply. */
    // The callback relays the reply or its failure to result, which this method returns.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<Object> execute(RespCommand command) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        withConnection(
                result::completeExceptionally,
                lease -> lease.request(command).whenComplete((reply, e) -> {
                    lease.close();
                    if (e == null) {
                        result.complete(reply);
                    } else {
                        result.completeExceptionally(replyError(command.toString(), e));
                    }
                }));
        return result;
    }

    /**
     * Pipelines {@code commands} on one connection, written at once, and returns one future per
     * command, in order; an error reply fails only its command's future. The futures complete together,
     * once the last reply is in.
     */
    // The callback relays the replies or the failure to results, which this method returns.
    @SuppressWarnings("FutureReturnValueIgnored")
    public List<CompletableFuture<Object>> execute(List<RespCommand> commands) {
        List<RespCommand> batch = List.copyOf(commands);
        List<CompletableFuture<Object>> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        if (batch.isEmpty()) {
            return results;
        }
        Consumer<Throwable> failAll = e -> results.forEach(f -> f.completeExceptionally(e));
        withConnection(
                failAll,
                lease -> lease.request(batch).whenComplete((replies, e) -> {
                    lease.close();
                    if (e != null) {
                        failAll.accept(replyError("a pipeline of " + batch.size() + " commands", e));
                        return;
                    }
                    List<?> list = (List<?>) replies;
                    for (int i = 0; i < results.size(); i++) {
                        Object r = list.get(i);
                        if (r instanceof RedisException re) {
                            results.get(i).completeExceptionally(re);
                        } else {
                            results.get(i).complete(r);
                        }
                    }
                }));
        return results;
    }

    // The callback hands a failed acquire, or what body throws, to onError.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void withConnection(Consumer<Throwable> onError, Consumer<PoolConnection> body) {
        pool.acquire().whenComplete((lease, error) -> {
            if (error != null) {
                onError.accept(acquireError(unwrap(error)));
                return;
            }
            try {
                body.accept(lease);
            } catch (RuntimeException e) {
                lease.close();
                onError.accept(e);
            }
        });
    }

    private Throwable acquireError(Throwable e) {
        if (e instanceof IOException) {
            return new RedisConnectionException(server + ": cannot connect: " + e.getMessage(), e);
        }
        return e;
    }

    private Throwable replyError(String what, Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof IOException) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new RedisConnectionException(
                    server + ": connection lost before the reply to " + what + ": " + why, e);
        }
        return e;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** {@code PING}: completes with {@code PONG}. */
    public CompletableFuture<String> ping() {
        return command("PING").thenApply(r -> (String) r);
    }

    /** {@code GET key} as UTF-8 text; {@code null} when the key does not exist. */
    public CompletableFuture<String> get(String key) {
        return command("GET", key).thenApply(r -> r == null ? null : new String((byte[]) r, StandardCharsets.UTF_8));
    }

    /** {@code SET key value}: completes with {@code OK}. */
    public CompletableFuture<String> set(String key, Object value) {
        return command("SET", key, value).thenApply(r -> (String) r);
    }

    /** {@code DEL key…}: completes with the number of keys removed. */
    public CompletableFuture<Long> del(String... keys) {
        Object[] args = new Object[keys.length + 1];
        args[0] = "DEL";
        System.arraycopy(keys, 0, args, 1, keys.length);
        return command(args).thenApply(r -> (Long) r);
    }

    /** {@code INCR key}: completes with the new value. */
    public CompletableFuture<Long> incr(String key) {
        return command("INCR", key).thenApply(r -> (Long) r);
    }

    /** The pool of this client's connections. */
    public Pool pool() {
        return pool;
    }

    /** The server this client talks to. */
    public InetSocketAddress address() {
        return address;
    }

    /** Closes the pool and drains the connections as {@link AbstractClient#close(Duration)} does. */
    // Pool.close()'s future never fails, and super waits for the same connections to be gone.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public CompletableFuture<Void> close(Duration timeout) {
        pool.close();
        return super.close(timeout);
    }

    /** Closes the pool and every connection now; commands in progress fail. */
    // Pool.close()'s future never fails, and super waits for the same connections to be gone.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public CompletableFuture<Void> abort() {
        pool.close();
        return super.abort();
    }

    @Override
    public String toString() {
        return "RedisClient[" + server + "]";
    }

    /** Builds a {@link RedisClient}. Not thread-safe. */
    public static final class Builder {
        private final TransportProvider transport;
        private final InetSocketAddress address;
        private int poolSize = 8;
        private int maxPending = 1024;
        private Duration acquireTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration maxIdleTime;
        private Duration maxLifetime;
        private RespLimits limits = RespLimits.DEFAULTS;

        private Builder(TransportProvider transport, InetSocketAddress address) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.address = Objects.requireNonNull(address, "address");
        }

        /** Most connections at once (default 8). */
        public Builder poolSize(int size) {
            this.poolSize = size;
            return this;
        }

        /** Most commands waiting for a connection (default 1024). */
        public Builder maxPending(int max) {
            this.maxPending = max;
            return this;
        }

        /** How long a command may wait for a free connection (default 5 s; {@code null}: for ever). */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = timeout;
            return this;
        }

        /** How long a connect may take (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Idle connections older than this are closed; keep it below the server's {@code timeout}. */
        public Builder maxIdleTime(Duration time) {
            this.maxIdleTime = time;
            return this;
        }

        /** Connections older than this are closed when idle or released. */
        public Builder maxLifetime(Duration time) {
            this.maxLifetime = time;
            return this;
        }

        /** Bounds on replies (default {@link RespLimits#DEFAULTS}). */
        public Builder limits(RespLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public RedisClient build() {
            return new RedisClient(this);
        }
    }
}
