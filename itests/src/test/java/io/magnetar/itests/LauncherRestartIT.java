package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/magnetar} killed with SIGKILL under load starts again on the same home and serves every
 * endpoint, including one added while it ran, without an error in its log. The time it took is printed
 * (1.0–1.5 s in most CI runs, up to 3.1 s on a busy CI machine: a start after SIGKILL has no class-data
 * archive, which is written at exit); the bound only catches a start that hangs or waits for a timeout.
 * How fast Magnetar starts is measured by {@code bench/startup}, not asserted here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherRestartIT {

    private static final Duration RESTART_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void killedUnderLoadItServesEveryEndpointAgainWithoutAnError() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        int echoPort = Sockets.freePort();
        Magnetar.setEchoPort(home, echoPort);
        List<String> command = List.of(home.resolve("bin/magnetar").toString());

        int extraPort;
        try (LauncherProcess first = LauncherProcess.start(command, home, tmp.resolve("first.out"))) {
            first.awaitStarted(Magnetar.DEADLINE);
            awaitEcho(echoPort, Magnetar.DEADLINE);
            extraPort = Sockets.freePort();
            Path extra = home.resolve("etc/io.magnetar.endpoint-extra.cfg");
            Path written = home.resolve("etc/extra.tmp");
            Files.writeString(
                    written, "transport = tcp\nprotocol = echo\nhost = 127.0.0.1\nport = " + extraPort + "\n");
            Files.move(written, extra, StandardCopyOption.ATOMIC_MOVE);
            awaitEcho(extraPort, Magnetar.DEADLINE);

            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicLong answered = new AtomicLong();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                while (loading.get()) {
                    try {
                        Sockets.echo(echoPort, "load");
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        return; // killed
                    }
                }
            });
            Magnetar.await("load flowing", () -> answered.get() > 200);
            first.kill();
            loading.set(false);
            load.get(30, TimeUnit.SECONDS);
        }

        long begin = System.nanoTime();
        try (LauncherProcess second = LauncherProcess.start(command, home, tmp.resolve("second.out"))) {
            awaitEcho(echoPort, RESTART_BOUND.plusSeconds(5));
            awaitEcho(extraPort, RESTART_BOUND.plusSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            System.out.println("restart after SIGKILL under load: both endpoints serving " + took.toMillis()
                    + " ms after the start");
            assertThat(took).as("restart to serving every endpoint").isLessThan(RESTART_BOUND);
            second.awaitStarted(Magnetar.DEADLINE);
            String log = second.output();
            assertThat(log).doesNotContain("SEVERE").doesNotContain("ERROR").doesNotContain("Exception");
            assertThat(second.stop()).isZero();
        }
    }

    private static void awaitEcho(int port, Duration deadline) {
        Magnetar.await("echo on " + port, deadline, () -> Sockets.echoes(port));
    }
}
