package io.magnetar.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a loopback port, started by a test and killed by it: no persistence,
 * its own scratch directory, readiness taken from its log line rather than from polling.
 */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Skips the calling test when {@code redis-server} is missing, with the reason; fails it instead when
     * {@code MAGNETAR_REQUIRE_PEERS=1} (CI, where {@code .ci/run} installs it).
     */
    static void assumeInstalled() {
        boolean installed = installed();
        if ("1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"))) {
            assertTrue(installed, "MAGNETAR_REQUIRE_PEERS=1 but redis-server is not on the PATH");
        }
        Assumptions.assumeTrue(
                installed,
                "redis-server is not installed (apt-get install redis-server; "
                        + ".ci/run does it); set MAGNETAR_REQUIRE_PEERS=1 to fail instead of skipping");
    }

    private static boolean installed() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts a server on {@code port} and returns once it accepts connections. */
    static RedisServer start(int port) throws Exception {
        Path dir = Files.createTempDirectory("magnetar-redis");
        Process p = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--daemonize",
                        "no",
                        "--loglevel",
                        "notice")
                .redirectErrorStream(true)
                .start();
        RedisServer server = new RedisServer(p, port, dir);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> server.readLog(ready), "redis-" + port + "-log");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("redis-server on port " + port + " did not start: " + server.log, e);
        }
        return server;
    }

    private void readLog(CompletableFuture<Void> ready) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.add(line);
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process is gone; the end of the log says so below
        }
        ready.completeExceptionally(new IOException("redis-server exited before it was ready"));
    }

    int port() {
        return port;
    }

    /** SIGKILL: the server dies at once, as in a crash; its sockets are closed by the kernel. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException, IOException {
        kill();
        // Empty: nothing is persisted (--save '', no AOF).
        Files.deleteIfExists(dir);
    }
}
