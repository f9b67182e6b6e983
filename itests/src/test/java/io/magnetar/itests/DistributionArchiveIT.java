package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it: {@code magnetar-<version>.tar.gz} unpacked by {@code tar} into
 * an empty directory, started from another working directory, serving echo, logging to
 * {@code data/log/}, stopped with SIGTERM (exit 0); the {@code .zip} holds the same files; and the same on
 * Equinox when {@code etc/config.properties} names it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributionArchiveIT {

    @TempDir
    Path tmp;

    @Test
    void theTarballUnpacksRunsServesLogsToAFileAndStopsCleanly() throws Exception {
        String base = System.getProperty("magnetar.archive");
        Path home = unpack(base);
        for (String dir : List.of("bin", "etc", "bundle", "deploy", "lib")) {
            assertThat(home.resolve(dir)).as(dir).isDirectory();
        }
        assertThat(Files.isExecutable(home.resolve("bin/magnetar"))).isTrue();
        String dirName = Path.of(base).getFileName().toString();
        assertThat(entries(home)).containsExactlyElementsOf(zipEntries(Path.of(base + ".zip"), dirName));

        int port = Sockets.freePort();
        Magnetar.setEchoPort(home, port);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        try (LauncherProcess p = LauncherProcess.start(
                List.of(home.resolve("bin/magnetar").toString()), elsewhere, tmp.resolve("out.txt"))) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("echo on " + port, () -> Sockets.echoes(port));
            Path log = home.resolve("data/log/magnetar.0.log");
            Magnetar.await("the log file has the endpoint line", () -> {
                try {
                    return Files.isRegularFile(log) && Files.readString(log).contains("endpoint echo serving echo");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(p.stop()).as("exit status after SIGTERM").isZero();
        }
    }

    /** etc/config.properties chooses Equinox: bin/magnetar runs it, twice (the second start as a warm one). */
    @Test
    void theDistributionRunsOnEquinoxWhenConfigSaysSo() throws Exception {
        Path home = unpack(System.getProperty("magnetar.archive"));
        Path config = home.resolve("etc/config.properties");
        Files.writeString(
                config, Files.readString(config).replace("magnetar.framework = felix", "magnetar.framework = equinox"));
        int port = Sockets.freePort();
        Magnetar.setEchoPort(home, port);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        for (int start = 1; start <= 2; start++) {
            try (LauncherProcess p = LauncherProcess.start(
                    List.of(home.resolve("bin/magnetar").toString()), elsewhere, tmp.resolve("out" + start + ".txt"))) {
                p.awaitStarted(Magnetar.DEADLINE);
                assertThat(p.output()).contains(" on org.eclipse.osgi ");
                Magnetar.await("echo on " + port, () -> Sockets.echoes(port));
                assertThat(p.stop())
                        .as("exit status after SIGTERM, start " + start)
                        .isZero();
            }
        }
        try (var files = Files.list(elsewhere)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("JVM crash reports")
                    .isEmpty();
        }
    }

    private Path unpack(String base) throws Exception {
        Path tarball = Path.of(base + ".tar.gz");
        assertThat(tarball).as("mvn package leaves the archive").isRegularFile();
        Path unpacked = Files.createDirectories(tmp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        return unpacked.resolve(Path.of(base).getFileName().toString());
    }

    private static List<String> entries(Path home) throws Exception {
        List<String> names = new ArrayList<>();
        try (var walk = Files.walk(home)) {
            walk.filter(Files::isRegularFile)
                    .forEach(f -> names.add(home.relativize(f).toString()));
        }
        Collections.sort(names);
        return names;
    }

    private static List<String> zipEntries(Path zip, String dirName) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream()
                    .filter(e -> !e.isDirectory())
                    .forEach(e -> names.add(e.getName().substring(dirName.length() + 1)));
        }
        Collections.sort(names);
        return names;
    }
}
