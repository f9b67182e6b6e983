package io.magnetar.protocols;

import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoop;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One event loop, a TCP provider on it, and everything a test opened on 127.0.0.1 (port 0), closed
 * together by {@link #close()}.
 */
final class Loopback implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 5;

    final SelectorEventLoopGroup group;
    final TcpTransportProvider tcp;
    private final List<Server> servers = new ArrayList<>();
    private final List<Closeable> closeables = new ArrayList<>();

    Loopback(String name) {
        group = new SelectorEventLoopGroup(1, name);
        tcp = new TcpTransportProvider(group);
    }

    EventLoop loop() {
        return group.loops().get(0);
    }

    Server listen(ProtocolFactory factory) throws Exception {
        Server s = tcp.listen(Endpoint.of("127.0.0.1", 0), factory).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        servers.add(s);
        return s;
    }

    LineClient connect(Server server) throws IOException {
        return closeLater(new LineClient(server.localAddress()));
    }

    <T extends Closeable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    /** Runs {@code body} on the loop, after everything queued there before, and returns its result. */
    <T> T onLoop(Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop().execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (Closeable c : closeables) {
            c.close();
        }
        for (Server s : servers) {
            s.close().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }
}
