package io.magnetar.producers;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A TcpServer's protocol replaced or retired behind its bound port: nothing refused, nothing lost. */
class ProtocolReplacementTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "replace-loop");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private final List<Socket> clients = new ArrayList<>();
    private TcpServer server;

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close().get(20, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    /** Answers each '\n'-terminated line with {@code tag:line}; a line "HOLD" is answered once {@code release} completes. */
    private static ProtocolFactory tagged(String tag, CompletableFuture<Void> release) {
        return tagged(tag, release, new CompletableFuture<>());
    }

    private static ProtocolFactory tagged(
            String tag, CompletableFuture<Void> release, CompletableFuture<Void> holding) {
        return () -> new Connection(() -> new ProtocolConsumer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            protected void dataReceived(ByteBuffer data) {
                while (data.hasRemaining()) {
                    byte b = data.get();
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    String text = line.toString();
                    ByteBuffer reply = ByteBuffer.wrap((tag + ":" + text + "\n").getBytes(StandardCharsets.US_ASCII));
                    if (text.equals("HOLD")) {
                        var loop = transport().loop();
                        holding.complete(null);
                        release.thenRun(() -> loop.execute(() -> {
                            write(reply);
                            finished(text);
                        }));
                    } else {
                        write(reply);
                        finished(text);
                    }
                    return;
                }
            }
        });
    }

    private void start(ProtocolFactory factory) throws Exception {
        server = TcpServer.builder(tcp, factory)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.setSoTimeout(10_000);
        clients.add(s);
        return s;
    }

    private static void send(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** One line, or null at EOF before any byte of it. */
    private static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static String ask(Socket s, String line) throws IOException {
        send(s, line);
        return readLine(s);
    }

    @Test
    void replacedProtocolServesNewConnectionsOnTheSamePortAndEndsIdleOldOnesAtOnce() throws Exception {
        start(tagged("v1", new CompletableFuture<>()));
        int port = server.address().getPort();
        Socket old = connect();
        assertThat(ask(old, "a")).isEqualTo("v1:a");

        server.replaceProtocol(tagged("v2", new CompletableFuture<>()));

        assertThat(readLine(old)).as("the idle v1 connection gets EOF at once").isNull();
        Socket fresh = connect();
        assertThat(ask(fresh, "b")).isEqualTo("v2:b");
        assertThat(server.address().getPort()).isEqualTo(port);
    }

    @Test
    void exchangeInProgressFinishesWithTheOldProtocolThenTheConnectionCloses() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        start(tagged("v1", release, holding));
        Socket busy = connect();
        assertThat(ask(busy, "warm")).isEqualTo("v1:warm");
        send(busy, "HOLD");
        holding.get(10, TimeUnit.SECONDS);

        server.replaceProtocol(tagged("v2", new CompletableFuture<>()));
        Socket fresh = connect();
        assertThat(ask(fresh, "new")).isEqualTo("v2:new");
        release.complete(null);

        assertThat(readLine(busy)).isEqualTo("v1:HOLD");
        assertThat(readLine(busy)).as("then EOF").isNull();
    }

    @Test
    void retiredProtocolKeepsThePortAndClientsWaitInTheBacklogForTheReplacement() throws Exception {
        start(tagged("v1", new CompletableFuture<>()));
        Socket idle = connect();
        assertThat(ask(idle, "a")).isEqualTo("v1:a");

        server.retireProtocol();
        assertThat(readLine(idle)).as("idle v1 connection ended at once").isNull();
        // The port is still bound: the kernel completes the connection and keeps it in the backlog.
        Socket waiting = connect();
        send(waiting, "queued");

        server.replaceProtocol(tagged("v2", new CompletableFuture<>()));
        assertThat(readLine(waiting)).isEqualTo("v2:queued");
    }

    @Test
    void closingWithNoReplacementEndsTheBacklogWithoutCallingTheGoneFactory() throws Exception {
        AtomicLong callsAfterGone = new AtomicLong();
        AtomicBoolean gone = new AtomicBoolean();
        ProtocolFactory v1 = tagged("v1", new CompletableFuture<>());
        start(() -> {
            if (gone.get()) {
                callsAfterGone.incrementAndGet(); // an uninstalled bundle's factory: its classes may not load
                throw new NoClassDefFoundError("the bundle wiring is no longer valid");
            }
            return v1.newProtocol();
        });
        Socket idle = connect();
        assertThat(ask(idle, "a")).isEqualTo("v1:a");

        server.retireProtocol();
        assertThat(readLine(idle)).as("idle v1 connection ended at once").isNull();
        Socket waiting = connect(); // in the backlog: nothing takes it off while the protocol is away
        send(waiting, "queued");
        gone.set(true); // the grace passes, the bundle was deleted: the endpoint closes its server

        server.close().get(20, TimeUnit.SECONDS);

        assertThat(readLine(waiting)).as("a clean EOF, unanswered").isNull();
        assertThat(callsAfterGone)
                .as("the gone factory is not called for the backlog")
                .hasValue(0);
    }

    @Test
    void replacementsUnderLoadRefuseAndLoseNothing() throws Exception {
        start(tagged("v0", new CompletableFuture<>()));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean keepAlive = i % 2 == 0;
            Thread t = new Thread(() -> clientLoop(keepAlive, running, sent, answered, retried, failures), "load-" + i);
            t.start();
            load.add(t);
        }
        for (int update = 1; update <= 10; update++) {
            long before = answered.get();
            awaitTrue(() -> answered.get() > before + 50, "load to flow before update " + update);
            if (update % 2 == 0) {
                server.retireProtocol(); // a bundle update: the old service leaves first
            }
            server.replaceProtocol(tagged("v" + update, new CompletableFuture<>()));
        }
        long last = answered.get();
        awaitTrue(() -> answered.get() > last + 50, "load to flow after the last update");
        running.set(false);
        for (Thread t : load) {
            t.join(20_000);
        }
        System.out.printf(
                "protocol replaced 10 times under load: sent %d, answered %d, refused/lost %d, "
                        + "retried after an idle keep-alive close %d%n",
                sent.get(), answered.get(), failures.size(), retried.get());
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isEqualTo(sent.get());
    }

    /**
     * Sends numbered lines and checks each answer. A keep-alive client whose reused, idle connection is
     * closed before any byte of the answer resends on a new connection (RFC 9112 section 9.3.1): the
     * server closed it idle, so the request was not processed.
     */
    private void clientLoop(
            boolean keepAlive,
            AtomicBoolean running,
            AtomicLong sent,
            AtomicLong answered,
            AtomicLong retried,
            List<String> failures) {
        int port = server.address().getPort();
        Socket s = null;
        int n = 0;
        try {
            while (running.get()) {
                String request = Thread.currentThread().getName() + "-" + n++;
                sent.incrementAndGet();
                boolean reused = s != null;
                if (s == null) {
                    s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(10_000);
                }
                String reply = ask(s, request);
                if (reply == null && reused) {
                    retried.incrementAndGet();
                    s.close();
                    s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(10_000);
                    reply = ask(s, request);
                }
                if (reply == null || !reply.endsWith(":" + request)) {
                    failures.add(request + " -> " + reply);
                    s.close();
                    s = null;
                    continue;
                }
                answered.incrementAndGet();
                if (!keepAlive) {
                    s.close();
                    s = null;
                }
            }
        } catch (ConnectException e) {
            failures.add("refused: " + e);
        } catch (SocketException e) {
            failures.add("reset: " + e);
        } catch (IOException e) {
            failures.add("lost: " + e);
        } finally {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // done
                }
            }
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1); // polling interval, not synchronisation: the condition decides
        }
    }
}
