package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ThreadConfinementTest {

    private static final int CLIENTS = 50;
    private static final int ROUNDS = 20;
    private static final int MESSAGE = 8 * 1024;

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<ConfinedEcho> protocols = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(4, "confinement-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void runsEveryCallbackOfAConnectionOnOneLoopThreadNeverConcurrently() throws Exception {
        EchoServer server = EchoServer.listen(provider, () -> {
            ConfinedEcho p = new ConfinedEcho();
            protocols.add(p);
            return p;
        });
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                byte[] message = Loopback.payload(MESSAGE + c);
                done.add(CompletableFuture.runAsync(() -> talk(server, message), clients));
            }
            await(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
        } finally {
            clients.shutdownNow();
        }
        for (ConfinedEcho p : protocols) {
            assertThat(await(p.lost)).isNull();
        }

        assertThat(violations).isEmpty();
        assertThat(protocols)
                .hasSize(CLIENTS)
                .allSatisfy(p -> assertThat(p.dataCalls.get()).isPositive());
        Set<Thread> loopThreads = ConcurrentHashMap.newKeySet();
        protocols.forEach(p -> loopThreads.add(p.owner));
        assertThat(loopThreads).as("connections are spread over every loop").hasSize(4);
    }

    /** Echoes {@code message} ROUNDS times, then half-closes and waits for the server's EOF. */
    private static void talk(EchoServer server, byte[] message) {
        try (Socket client = server.connect()) {
            for (int r = 0; r < ROUNDS; r++) {
                client.getOutputStream().write(message);
                byte[] echoed = Loopback.readExactly(client, message.length);
                if (!Arrays.equals(echoed, message)) {
                    throw new AssertionError("round " + r + " echoed different bytes");
                }
            }
            client.shutdownOutput();
            if (client.getInputStream().read() != -1) {
                throw new AssertionError("unexpected bytes after the last round");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Echoes and records every callback that runs off its loop, on another thread, or re-entrantly. */
    final class ConfinedEcho extends EchoProtocol {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger dataCalls = new AtomicInteger();
        volatile Thread owner;

        @Override
        public void connectionMade(StreamTransport t) {
            owner = Thread.currentThread();
            super.connectionMade(t);
            check("connectionMade");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (inFlight.incrementAndGet() != 1) {
                violations.add("dataReceived entered twice at once on "
                        + Thread.currentThread().getName());
            }
            try {
                dataCalls.incrementAndGet();
                check("dataReceived");
                super.dataReceived(data);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public boolean eofReceived() {
            check("eofReceived");
            return super.eofReceived();
        }

        @Override
        public void connectionLost(Throwable cause) {
            check("connectionLost");
            super.connectionLost(cause);
        }

        private void check(String callback) {
            Thread current = Thread.currentThread();
            if (current != owner || !transport.loop().inEventLoop()) {
                violations.add(callback + " ran on " + current.getName() + ", not on " + owner.getName());
            }
        }
    }
}
