package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many idle connections held by one server, then all answered at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleConnectionsIT {

    private static final int CONNECTIONS = 5_000;

    @Test
    void holds5000IdleConnectionsThenAnswersEveryOneAndFreesThemAll() throws Exception {
        long fdLimit =
                ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertThat(fdLimit)
                .as("file descriptor limit: raise `ulimit -n` (.ci/run does) to hold %d connections", CONNECTIONS)
                .isGreaterThan(CONNECTIONS + 1_000L);
        try (EchoService echo =
                new EchoService("idle", 2, io.magnetar.protocol.echo.EchoServerConsumer::newConnection, b -> {})) {
            assertThat(Clients.echo(echo.port(), "warm")).isEqualTo("warm");
            Bounded.until("warm-up connection gone", () -> echo.server.connections() == 0);
            long heapBefore = usedHeapAfterGc();
            long directBefore = directMemoryUsed();
            int fdsBefore = Clients.openFileDescriptors();

            Process clients = startClients(echo.port());
            try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(clients.getInputStream(), StandardCharsets.US_ASCII));
                    PrintStream in = new PrintStream(clients.getOutputStream(), true)) {
                assertThat(readLine(out)).isEqualTo("CONNECTED " + CONNECTIONS);
                Bounded.until(
                        CONNECTIONS + " connections on the server", () -> echo.server.connections() == CONNECTIONS);

                long heapHeld = usedHeapAfterGc();
                long directHeld = directMemoryUsed();
                int fdsHeld = Clients.openFileDescriptors();
                System.out.printf(
                        "idle connections: %d held; server heap %+d bytes (%d bytes per idle connection);"
                                + " direct buffers %+d bytes; server fds %d -> %d%n",
                        CONNECTIONS,
                        heapHeld - heapBefore,
                        (heapHeld - heapBefore) / CONNECTIONS,
                        directHeld - directBefore,
                        fdsBefore,
                        fdsHeld);
                // One per connection, plus the two pipes to the client process.
                assertThat(fdsHeld - fdsBefore).isEqualTo(CONNECTIONS + 2);

                in.println("ECHO");
                assertThat(readLine(out)).isEqualTo("ANSWERED " + CONNECTIONS);
                assertThat(echo.server.connections()).isEqualTo(CONNECTIONS);
                in.close(); // the clients close every connection and exit
                assertThat(clients.waitFor(Bounded.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isTrue();
            } finally {
                clients.destroyForcibly();
            }
            Bounded.until("every connection closed on the server", () -> echo.server.connections() == 0);
            Bounded.until("the server's file descriptors released", () -> fds() == fdsBefore);
            assertThat(echo.stats.lost.get()).isEqualTo(echo.stats.made.get());
            assertThat(echo.stats.lostTwice.get()).isZero();
        }
    }

    private static int fds() {
        try {
            return Clients.openFileDescriptors();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process startClients(int port) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes = Path.of(IdleClients.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        return new ProcessBuilder(
                        java.toString(),
                        "-Xmx128m",
                        "-cp",
                        classes,
                        IdleClients.class.getName(),
                        Integer.toString(port),
                        Integer.toString(CONNECTIONS))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static String readLine(BufferedReader out) throws Exception {
        return Bounded.await(CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }
}
