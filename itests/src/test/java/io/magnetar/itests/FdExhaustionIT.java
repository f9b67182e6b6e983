package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of file descriptors ({@code EMFILE}): {@code bin/magnetar} under a soft limit of 320, with more
 * clients connecting than it can hold. Accept fails for every pending connection; before, the loop
 * retried at once, spinning a core and logging each failure (907,000 lines in 10 s were seen). Now it
 * rests between tries: the log grows by a line per 10 s, the process stays idle, and once clients leave
 * the ones waiting in the backlog are served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FdExhaustionIT {

    private static final int CLIENTS = 400;

    @TempDir
    Path tmp;

    @Test
    void outOfDescriptorsItRestsLogsOnceAndServesAgainWhenClientsLeave() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        int port = Sockets.freePort();
        Magnetar.setEchoPort(home, port);
        Files.writeString(
                home.resolve("etc/io.magnetar.endpoint-echo.cfg"), "backlog = 1024\n", StandardOpenOption.APPEND);
        // -XX:-MaxFDLimit: the JVM keeps the soft limit instead of raising it to the hard one.
        List<String> command = List.of("bash", "-c", "ulimit -Sn 320 && JAVA_OPTS=-XX:-MaxFDLimit exec bin/magnetar");
        Path out = tmp.resolve("out.txt");
        List<Socket> clients = new ArrayList<>();
        try (LauncherProcess p = LauncherProcess.start(command, home, out)) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("echo serving", () -> Sockets.echoes(port));
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Socket("127.0.0.1", port)); // completes in the backlog even when not accepted
            }
            Magnetar.await("accept fails for want of descriptors", () -> log(out).contains("accept failed"));
            long cpuBefore = cpuMillis(p.pid());
            long wallBefore = System.nanoTime();
            Magnetar.await("3 s pass", () -> System.nanoTime() - wallBefore > TimeUnit.SECONDS.toNanos(3));
            long cpu = cpuMillis(p.pid()) - cpuBefore;
            long lines =
                    log(out).lines().filter(l -> l.contains("accept failed")).count();
            System.out.println("EMFILE with " + CLIENTS + " clients under a 320 descriptor limit: " + lines
                    + " log line(s), " + cpu + " ms of CPU in 3 s");
            assertThat(lines).as("log lines about failed accepts").isLessThanOrEqualTo(2);
            assertThat(cpu).as("CPU ms used in 3 s while out of descriptors").isLessThan(600);

            for (Socket s : clients) {
                s.close();
            }
            clients.clear();
            Magnetar.await("served again once clients left", () -> Sockets.echoes(port));
            assertThat(p.stop()).isZero();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    private static String log(Path out) {
        try {
            return Files.readString(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** utime + stime of {@code pid}, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }
}
