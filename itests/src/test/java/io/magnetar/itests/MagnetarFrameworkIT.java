package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;

/** Magnetar in a real Felix, booted from the assembled launcher folder, driven over sockets and files. */
class MagnetarFrameworkIT {

    /** Features without the echo protocol: its endpoint is configured but waits for the bundle. */
    private static final Map<String, String> WITHOUT_ECHO =
            Map.of("magnetar.features", "magnetar-core, magnetar-tcp, magnetar-assembly");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"felix", "equinox"})
    void servesTheDefaultEchoEndpointAndShowsItInTheShell(String framework) throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of("magnetar.framework", framework))) {
            int port = m.awaitServing("echo");
            assertThat(Sockets.echo(port, "hello felix")).isEqualTo("hello felix");

            String table = m.shell("endpoints");
            assertThat(table)
                    .contains("NAME")
                    .containsPattern("echo\\s+tcp\\s+echo\\s+127\\.0\\.0\\.1:" + port + "\\s+SERVING");
            // The echo is written before its exchange is counted: wait for the count, bounded.
            await("request counted", () -> infoOf(m, "echo").contains("requests_processed: 1"));
            assertThat(m.shell("info", "echo")).contains("state: SERVING");
            // Safe defaults for a file that names no limits: a connection cap and an idle timeout.
            assertThat(m.shell("info", "echo"))
                    .containsPattern("max_connections: [1-9][0-9]*")
                    .contains("keep_alive: 300.0");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"felix", "equinox"})
    void hotDeployedProtocolBundleStartsTheWaitingEndpointAndRemovingItStopsItAndFreesThePort(String framework)
            throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(WITHOUT_ECHO);
        overrides.put("magnetar.framework", framework);
        try (Magnetar m = Magnetar.boot(tmp, overrides)) {
            await("echo endpoint waiting", () -> shellState(m).contains("WAITING"));
            assertThat(shellState(m)).contains("waiting for protocol 'echo' service");

            long dropped = System.nanoTime();
            m.deploy(m.bundleJar("magnetar-protocol-echo"), "echo.jar");
            int port = m.awaitServing("echo");
            long tookMs = Duration.ofNanos(System.nanoTime() - dropped).toMillis();
            System.out.println("hot deploy: echo endpoint serving " + tookMs + " ms after the jar was dropped");
            assertThat(Sockets.echo(port, "deployed")).isEqualTo("deployed");

            Files.delete(m.home().resolve("deploy/echo.jar"));
            await("echo endpoint gone", () -> m.endpointPort("echo") < 0);
            await("port " + port + " free", () -> Sockets.isFree(port));
            assertThatThrownBy(() -> Sockets.echo(port, "gone")).isInstanceOf(ConnectException.class);
            // The port is let go first; the endpoint says WAITING once its server's close has completed.
            await("echo endpoint waiting again", () -> shellState(m).contains("WAITING"));
        }
    }

    @Test
    void replacingTheProtocolBundleWithANewVersionIsPickedUpWithoutRestartingTheFramework() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, WITHOUT_ECHO)) {
            m.deploy(m.bundleJar("magnetar-protocol-echo"), "echo.jar");
            int before = m.awaitServing("echo");
            assertThat(Sockets.echo(before, "v1")).isEqualTo("v1");
            long frameworkId = m.launcher().framework().getBundleId();

            Path v2 = Jars.withVersion(m.bundleJar("magnetar-protocol-echo"), "0.1.1", tmp.resolve("echo-v2.jar"));
            m.deploy(v2, "echo.jar");
            await("echo bundle updated to 0.1.1", () -> {
                Bundle b = m.bundle("magnetar-protocol-echo");
                return b != null
                        && b.getVersion().equals(Version.parseVersion("0.1.1"))
                        && b.getState() == Bundle.ACTIVE;
            });
            int after = m.awaitServing("echo");
            assertThat(Sockets.echo(after, "v2")).isEqualTo("v2");
            assertThat(m.launcher().framework().getBundleId()).isEqualTo(frameworkId);
            assertThat(m.launcher().framework().getState()).isEqualTo(Bundle.ACTIVE);
        }
    }

    @Test
    void newConfigurationFileAddsAnEndpointAndEditingItsPortMovesIt() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.awaitServing("echo");
            int first = Sockets.freePort();
            m.writeEtc(
                    "io.magnetar.endpoint-extra.cfg",
                    "transport = tcp\nprotocol = echo\nhost = 127.0.0.1\nport = " + first + "\n");
            await("extra on " + first, () -> m.endpointPort("extra") == first);
            assertThat(Sockets.echo(first, "extra")).isEqualTo("extra");

            int second = Sockets.freePort();
            m.writeEtc(
                    "io.magnetar.endpoint-extra.cfg",
                    "transport = tcp\nprotocol = echo\nhost = 127.0.0.1\nport = " + second + "\n");
            await("extra moved to " + second, () -> m.endpointPort("extra") == second);
            assertThat(Sockets.echo(second, "moved")).isEqualTo("moved");
            await("old port " + first + " released", () -> Sockets.isFree(first));

            Files.delete(m.home().resolve("etc/io.magnetar.endpoint-extra.cfg"));
            await(
                    "extra removed",
                    () -> m.endpointPort("extra") < 0 && !shellState(m).contains("extra"));
            await("port " + second + " released", () -> Sockets.isFree(second));
        }
    }

    @Test
    void endpointThatCannotBindReportsWhyAndTheOthersKeepServing() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of());
                ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int echoPort = m.awaitServing("echo");
            m.writeEtc(
                    "io.magnetar.endpoint-clash.cfg",
                    "protocol = echo\nhost = 127.0.0.1\nport = " + taken.getLocalPort() + "\n");
            await("clash reported", () -> infoOf(m, "clash").contains("state: FAILED"));
            assertThat(infoOf(m, "clash")).containsIgnoringCase("address already in use");
            assertThat(Sockets.echo(echoPort, "still here")).isEqualTo("still here");
        }
    }

    @Test
    void transportLeavingStopsTheEndpointAndItServesAgainOnTheSamePortWhenItReturns() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            int port = Sockets.freePort();
            m.writeEtc("io.magnetar.endpoint-fixed.cfg", "protocol = echo\nport = " + port + "\n");
            await("fixed serving", () -> m.endpointPort("fixed") == port);
            Bundle tcp = m.bundle("magnetar-tcp");
            tcp.stop();
            await("fixed stopped", () -> m.endpointPort("fixed") < 0 && Sockets.isFree(port));
            assertThat(infoOf(m, "fixed")).contains("waiting for transport 'tcp'");
            tcp.start();
            await("fixed back on " + port, () -> m.endpointPort("fixed") == port);
            assertThat(Sockets.echo(port, "back")).isEqualTo("back");
        }
    }

    @Test
    void bundleWithUnresolvableImportsIsReportedAndDoesNotDisturbRunningEndpoints() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            int port = m.awaitServing("echo");
            Path broken = Jars.manifestOnly(
                    tmp.resolve("broken.jar"),
                    Map.of(
                            "Bundle-SymbolicName", "io.magnetar.test.broken",
                            "Bundle-Version", "1.0.0",
                            "Import-Package", "com.example.nowhere"));
            m.deploy(broken, "broken.jar");
            await("broken bundle installed", () -> m.bundle("io.magnetar.test.broken") != null);
            Bundle b = m.bundle("io.magnetar.test.broken");
            assertThat(b.getState()).isEqualTo(Bundle.INSTALLED);
            assertThat(startFailure(b)).isInstanceOf(BundleException.class).hasMessageContaining("com.example.nowhere");
            assertThat(Sockets.echo(port, "unaffected")).isEqualTo("unaffected");
            assertThat(m.shell("endpoints")).contains("SERVING");
        }
    }

    /**
     * Why {@code b} does not start. File Install may be resolving at the same moment, and Felix then
     * refuses a second resolve with "Unable to acquire global lock": that is retried until a deadline.
     */
    private static Throwable startFailure(Bundle b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                b.start();
                return null;
            } catch (BundleException e) {
                if (!String.valueOf(e.getMessage()).contains("global lock") || System.nanoTime() > deadline) {
                    return e;
                }
            }
            Thread.sleep(50); // polling the framework with a deadline
        }
    }

    @Test
    void stoppingTheFrameworkLeavesNoThreadOrListeningSocketBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int port;
        Magnetar m = Magnetar.boot(tmp, Map.of());
        try {
            port = m.awaitServing("echo");
            assertThat(Sockets.echo(port, "bye")).isEqualTo("bye");
        } finally {
            m.close();
        }
        assertThat(m.launcher().framework().getState()).isEqualTo(Bundle.RESOLVED);
        assertThat(Sockets.isFree(port)).isTrue();
        await("framework threads to end", () -> newThreads(before).isEmpty());
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                // JDK-owned daemon pools that outlive any one user by design
                .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool")
                        && !t.getName().equals("CompletableFutureDelayScheduler")
                        && !t.getName().startsWith("process reaper"))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    private static String shellState(Magnetar m) {
        try {
            return m.shell("endpoints");
        } catch (Exception e) {
            return "";
        }
    }

    private static String infoOf(Magnetar m, String endpoint) {
        try {
            return m.shell("info", endpoint);
        } catch (Exception e) {
            return "";
        }
    }
}
