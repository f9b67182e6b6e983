package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * The HTTP handler whiteboard in a real Felix, with a handler bundle built by the test (javac and a
 * hand-written DS descriptor): installed, updated and uninstalled while clients send requests to it.
 * Every request gets a complete response or a visible refusal (404 while no handler is there, 503),
 * never a reset, a hang or a 500. And a blocking handler does not slow a route on the loop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandlerWhiteboardIT {

    @TempDir
    Path tmp;

    @Test
    void handlerBundleInstalledUpdatedAndUninstalledUnderLoadLosesNoRequest() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-web.cfg", "protocol = http\nport = 0\n");
            int port = m.awaitServing("web");
            Path v1 = HandlerBundle.build(tmp, m.home().resolve("bundle"), "1.0.0");
            Path v2 = HandlerBundle.build(tmp, m.home().resolve("bundle"), "2.0.0");

            Load load = new Load(port);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(CompletableFuture.runAsync(load::drive));
            }
            // From the moment the handler bundle starts (before DS registers its service) to the first
            // request it answers: an upper bound on registration-to-served.
            AtomicLong starting = new AtomicLong();
            SynchronousBundleListener listener = e -> {
                if (e.getType() == BundleEvent.STARTING
                        && "org.example.hello".equals(e.getBundle().getSymbolicName())) {
                    starting.compareAndSet(0, System.nanoTime());
                }
            };
            m.context().addBundleListener(listener);
            await("404 before the handler", () -> load.count("404") > 20);

            m.deploy(v1, "hello.jar");
            await("v1 serving", () -> load.count("hello 1.0.0") > 0);
            long servedMs = TimeUnit.NANOSECONDS.toMillis(load.firstSeen("hello 1.0.0") - starting.get());
            await("v1 under load", () -> load.count("hello 1.0.0") > 200);

            m.deploy(v2, "hello.jar");
            await("v2 serving", () -> load.count("hello 2.0.0") > 200);

            Files.delete(m.home().resolve("deploy/hello.jar"));
            long before404 = load.count("404");
            await("404 after the uninstall", () -> load.count("404") > before404 + 200);
            load.running.set(false);
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            m.context().removeBundleListener(listener);

            System.out.println("handler bundle installed, updated, uninstalled under load: " + load
                    + "; first request served " + servedMs + " ms after the handler bundle started");
            assertThat(load.lost).as("lost").isEmpty();
            assertThat(load.sent.get()).isEqualTo(load.answered() + load.refused());
            assertThat(servedMs).as("registration to first served request").isLessThan(200);
        }
    }

    @Test
    void aBlockingHandlerThatSleepsDoesNotSlowARouteOnTheLoop() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-web.cfg", "protocol = http\nport = 0\n");
            int port = m.awaitServing("web");
            m.deploy(HandlerBundle.build(tmp, m.home().resolve("bundle"), "1.0.0"), "hello.jar");
            await("slow route", () -> get(port, "/slow").contains("slow"));

            AtomicBoolean slowRunning = new AtomicBoolean(true);
            List<Long> slowMs = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> slowClients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                slowClients.add(CompletableFuture.runAsync(() -> {
                    while (slowRunning.get()) {
                        long t0 = System.nanoTime();
                        String r = get(port, "/slow");
                        if (r.contains("slow")) {
                            slowMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                        }
                    }
                }));
            }
            await("slow requests running", () -> slowMs.size() > 16);
            List<Long> fastMs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long t0 = System.nanoTime();
                assertThat(get(port, "/plaintext")).endsWith("Hello, World!");
                fastMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            slowRunning.set(false);
            CompletableFuture.allOf(slowClients.toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);

            long fastMax = fastMs.stream().mapToLong(Long::longValue).max().orElseThrow();
            double slowMean =
                    slowMs.stream().mapToLong(Long::longValue).average().orElseThrow();
            System.out.printf(
                    "blocking handler: /slow mean %.0f ms over %d requests (8 clients, sleeps 200 ms); "
                            + "/plaintext meanwhile max %d ms, median %d ms over 200%n",
                    slowMean,
                    slowMs.size(),
                    fastMax,
                    fastMs.stream().sorted().toList().get(100));
            // On the loop, a 200 ms sleep would hold every request of that loop behind it.
            assertThat(fastMax)
                    .as("a loop route never waits for a blocking handler")
                    .isLessThan(200);
        }
    }

    private static String get(int port, String path) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "error " + e;
        }
    }

    /** Keep-alive clients sending GET /hello, counting each outcome by status and body. */
    private static final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        final List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final int port;

        Load(int port) {
            this.port = port;
        }

        long count(String outcome) {
            AtomicLong n = outcomes.get(outcome);
            return n == null ? 0 : n.get();
        }

        long firstSeen(String outcome) {
            return firstSeen.get(outcome);
        }

        long answered() {
            return outcomes.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("hello"))
                    .mapToLong(e -> e.getValue().get())
                    .sum();
        }

        long refused() {
            return count("404") + count("503");
        }

        void drive() {
            while (running.get()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    for (int k = 0; k < 100 && running.get(); k++) {
                        sent.incrementAndGet();
                        s.getOutputStream()
                                .write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                        String outcome = read(s.getInputStream());
                        firstSeen.putIfAbsent(outcome, System.nanoTime());
                        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
                        if (!outcome.startsWith("hello") && !outcome.equals("404") && !outcome.equals("503")) {
                            lost.add(outcome);
                            break;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    lost.add("no response in 10 s");
                } catch (IOException e) {
                    lost.add(e.toString());
                }
            }
        }

        /** "hello <version>" for a 200, the status otherwise; reads exactly one response. */
        private static String read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return "EOF after " + head.length() + " bytes";
                }
                head.append((char) c);
            }
            String h = head.toString();
            int status = Integer.parseInt(h.substring(9, 12));
            int at = h.toLowerCase().indexOf("content-length:");
            int length =
                    Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
            String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            return status == 200 ? body.trim() : String.valueOf(status);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", answered " + answered() + ", refused " + refused() + " (404/503), lost "
                    + lost.size() + (lost.isEmpty() ? "" : " " + lost) + "; outcomes " + outcomes;
        }
    }
}
