package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/magnetar}'s class-data archive ({@code data/magnetar-felix.jsa}) follows its home: a home
 * copied elsewhere with its {@code data/} and its dates ({@code cp -a}, a restored backup) gets an archive
 * of its own on its next start, rather than keeping one the JVM refuses (the archive holds the class path
 * it was made with, and a JVM given another refuses it silently, on every start). {@code -Xshare:on} turns
 * a refused archive into a failed start, which makes the difference visible.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassDataArchiveIT {

    @TempDir
    Path tmp;

    @Test
    void aHomeCopiedWithItsDataGetsAnArchiveOfItsOwn() throws Exception {
        Path first = Magnetar.copyOfDist(tmp.resolve("first"));
        int port = Sockets.freePort();
        Magnetar.setEchoPort(first, port);
        runUntilEcho(first, port, Map.of(), tmp.resolve("first.out"));
        Path archive = first.resolve("data/magnetar-felix.jsa");
        assertThat(archive).exists();

        Path copy = Magnetar.copyTree(first, tmp.resolve("copy"));
        runUntilEcho(copy, port, Map.of(), tmp.resolve("copy.out"));

        // The copy's own archive now maps, or the JVM would not start at all.
        runUntilEcho(copy, port, Map.of("JAVA_OPTS", "-Xshare:on"), tmp.resolve("copy-shared.out"));
    }

    private static void runUntilEcho(Path home, int port, Map<String, String> env, Path out) throws Exception {
        List<String> command = List.of(home.resolve("bin/magnetar").toString());
        try (LauncherProcess p = LauncherProcess.start(command, home, out, env)) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("echo on " + port, Magnetar.DEADLINE, () -> Sockets.echoes(port));
            assertThat(p.stop()).as("exit status after SIGTERM").isZero();
        }
    }
}
