package io.magnetar.protocol.echo;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.clients.AbstractClient;
import io.magnetar.clients.Pool;
import io.magnetar.clients.PoolConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * pulsar's echo client: {@link #request(Object)} sends a message over a pooled connection and
 * completes with the echo. Connections are made on demand up to the pool size and reused.
 *
 * <p>Thread-safe; futures complete on a connection's event loop.
 */
public final class EchoClient extends AbstractClient {

    private final InetSocketAddress address;
    private final Pool pool;

    /** A client of the echo server at {@code address} with at most {@code poolSize} connections. */
    public EchoClient(TransportProvider transport, InetSocketAddress address, int poolSize) {
        super(
                transport,
                EchoClientConsumer::newConnection,
                Endpoint.builder().connectTimeout(Duration.ofSeconds(10)).build());
        this.address = address;
        this.pool = Pool.builder(() -> createConnection(address))
                .name("echo " + address)
                .poolSize(poolSize)
                .build();
    }

    /**
     * Sends {@code message} ({@code byte[]}, {@code ByteBuffer} or text) and completes with the
     * echoed bytes. The connection goes back to the pool before the future completes.
     */
    public CompletableFuture<byte[]> request(Object message) {
        return pool.acquire().thenCompose(lease -> send(lease, message)).thenApply(byte[].class::cast);
    }

    private static CompletableFuture<Object> send(PoolConnection lease, Object message) {
        CompletableFuture<Object> reply;
        try {
            reply = lease.request(message);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return reply.whenComplete((r, e) -> lease.close());
    }

    /** The pool of this client's connections. */
    public Pool pool() {
        return pool;
    }

    /** The server this client talks to. */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Closes the pool (idle connections now, borrowed ones when given back) and drains the
     * connections as {@link AbstractClient#close(Duration)} does, which bounds the wait.
     */
    // Pool.close()'s future never fails, and super waits for the same connections to be gone.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public CompletableFuture<Void> close(Duration timeout) {
        pool.close();
        return super.close(timeout);
    }

    /** Closes the pool and every connection now; requests in progress fail. */
    // Pool.close()'s future never fails, and super waits for the same connections to be gone.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public CompletableFuture<Void> abort() {
        pool.close();
        return super.abort();
    }
}
