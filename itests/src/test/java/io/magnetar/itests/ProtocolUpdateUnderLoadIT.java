package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/**
 * Protocol bundle updates while clients talk to the endpoint, in a real Felix: the port stays bound,
 * connections that arrive during the update wait in the backlog, and every request gets its answer.
 * Before the endpoint learned to swap protocols behind its socket, an update unbound the port: new
 * connections were refused for about 2 s (the drain waited for idle clients' lingering close).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProtocolUpdateUnderLoadIT {

    private static final int READ_TIMEOUT_MS = 20_000;
    private static final int UPDATES = 5;
    private static final Map<String, String> WITHOUT_ECHO =
            Map.of("magnetar.features", "magnetar-core, magnetar-tcp, magnetar-assembly");

    @TempDir
    Path tmp;

    @Test
    void fiveProtocolBundleUpdatesUnderLoadRefuseNothingAndLoseNothing() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            int port = m.awaitServing("echo");
            Load load = new Load(port);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                boolean keepAlive = c % 2 == 0;
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> load.drive(client, keepAlive)));
            }
            for (int update = 1; update <= UPDATES; update++) {
                long before = load.answered.get();
                await("load flowing before update " + update, () -> load.answered.get() > before + 300);
                Bundle echo = m.bundle("magnetar-protocol-echo");
                echo.update();
                await(
                        "echo bundle active again",
                        () -> m.bundle("magnetar-protocol-echo").getState() == Bundle.ACTIVE);
                assertThat(m.endpointPort("echo"))
                        .as("the port stays bound across the update")
                        .isEqualTo(port);
            }
            long after = load.answered.get();
            await("requests answered after the last update", () -> load.answered.get() > after + 300);
            load.running.set(false);
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            System.out.println("protocol bundle updated " + UPDATES + " times under load (8 clients): " + load);
            assertThat(load.refused.get()).as("refused").isZero();
            assertThat(load.lost).as("lost").isEmpty();
            assertThat(load.answered.get()).isEqualTo(load.sent.get());
        }
    }

    @Test
    void replacingTheProtocolJarEndsAnIdleClientAtOnceAndRefusesNoConnection() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, WITHOUT_ECHO)) {
            m.deploy(m.bundleJar("magnetar-protocol-echo"), "echo.jar");
            int port = m.awaitServing("echo");
            try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), port)) {
                idle.setSoTimeout(READ_TIMEOUT_MS);
                idle.getOutputStream().write("v1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(idle.getInputStream().readNBytes(6), StandardCharsets.US_ASCII))
                        .isEqualTo("v1\r\n\r\n");
                AtomicBoolean probing = new AtomicBoolean(true);
                AtomicLong probes = new AtomicLong();
                AtomicLong refusals = new AtomicLong();
                CompletableFuture<Void> prober = CompletableFuture.runAsync(() -> {
                    while (probing.get()) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            probes.incrementAndGet();
                        } catch (ConnectException e) {
                            refusals.incrementAndGet();
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                });

                Path v2 = Jars.withVersion(m.bundleJar("magnetar-protocol-echo"), "0.1.1", tmp.resolve("echo-v2.jar"));
                // Timed from the move into deploy/: SCR's own bundle listener (registered before any of ours)
                // ends the old protocol before a listener of ours would even hear STOPPING.
                long moved = System.nanoTime();
                m.deploy(v2, "echo.jar");
                assertThat(idle.getInputStream().read())
                        .as("the idle client sees EOF")
                        .isEqualTo(-1);
                long eofMs = Duration.ofNanos(System.nanoTime() - moved).toMillis();
                await("echo bundle updated to 0.1.1", () -> {
                    Bundle b = m.bundle("magnetar-protocol-echo");
                    return b != null
                            && b.getVersion().equals(Version.parseVersion("0.1.1"))
                            && b.getState() == Bundle.ACTIVE;
                });
                assertThat(Sockets.echo(port, "v2")).isEqualTo("v2");
                probing.set(false);
                prober.get(20, TimeUnit.SECONDS);

                System.out.println("protocol jar replaced: idle client's EOF " + eofMs
                        + " ms after the jar was moved into deploy/ (File Install polls every 100 ms); " + probes.get()
                        + " connections made during the update, " + refusals.get() + " refused");
                assertThat(refusals.get()).isZero();
                assertThat(m.endpointPort("echo")).isEqualTo(port);
            }
        }
    }

    /**
     * Closed-loop echo clients on one port. A keep-alive client whose reused, idle connection is closed
     * before any byte of the reply resends on a new connection (RFC 9112 section 9.3.1: the server closed
     * it idle, so the request was not processed); everything else that does not end in the right reply
     * is lost, and a refused connect is refused.
     */
    private static final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong retried = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final Map<String, String> lost = new ConcurrentHashMap<>();
        private final int port;

        Load(int port) {
            this.port = port;
        }

        void drive(int client, boolean keepAlive) {
            Socket s = null;
            long n = 0;
            while (running.get()) {
                String message = "client " + client + " message " + n++;
                sent.incrementAndGet();
                try {
                    boolean reused = s != null;
                    if (s == null) {
                        s = open();
                    }
                    String reply = exchange(s, message);
                    if (reply != null && reply.isEmpty() && reused) {
                        retried.incrementAndGet();
                        s.close();
                        s = open();
                        reply = exchange(s, message);
                    }
                    if (!(message + "\r\n\r\n").equals(reply)) {
                        lost.put(
                                message,
                                reply == null
                                        ? "reset"
                                        : reply.isEmpty() ? "closed before the reply" : "partial '" + reply + "'");
                        s = closeQuietly(s);
                        continue;
                    }
                    answered.incrementAndGet();
                    if (!keepAlive) {
                        s = closeQuietly(s);
                    }
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                    s = closeQuietly(s);
                } catch (SocketTimeoutException e) {
                    lost.put(message, "no reply within " + READ_TIMEOUT_MS + " ms");
                    s = closeQuietly(s);
                } catch (IOException e) {
                    lost.put(message, e.toString());
                    s = closeQuietly(s);
                }
            }
            closeQuietly(s);
        }

        private Socket open() throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(READ_TIMEOUT_MS);
            return s;
        }

        /** The reply, "" at EOF before any byte of it, {@code null} on a reset; a timeout propagates. */
        private static String exchange(Socket s, String message) throws IOException {
            byte[] request = (message + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                s.getOutputStream().write(request);
            } catch (SocketException e) {
                // closed while we wrote: the read tells how
            }
            return Sockets.readUpTo(s, request.length);
        }

        private static Socket closeQuietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "sent " + sent + ", answered " + answered + ", refused " + refused + ", lost " + lost.size()
                    + (lost.isEmpty() ? "" : " " + lost) + ", resent after an idle keep-alive close " + retried;
        }
    }
}
