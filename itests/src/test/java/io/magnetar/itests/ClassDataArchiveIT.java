package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

        Path copy = copyTree(first, tmp.resolve("copy"));
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

    /**
     * {@code from} copied to {@code to} with the dates of files and folders kept, as {@code cp -a}, a
     * backup's restore or {@code tar x} keep them: nothing in the copy is newer than its archive.
     */
    private static Path copyTree(Path from, Path to) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    folders.add(p);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        for (Path folder : folders) { // after their contents: adding a file changes a folder's date
            Files.setLastModifiedTime(
                    to.resolve(from.relativize(folder).toString()), Files.getLastModifiedTime(folder));
        }
        return to;
    }
}
