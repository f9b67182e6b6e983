package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code launcher/run} on a copy of this checkout (sources and build output, so the rebuild is the
 * incremental one a developer gets): it rebuilds only after a source changed, a rebuild keeps the
 * user's {@code etc/} edits, its output is plain text, and the bundle list comes whole before any log line.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LauncherRunIT {

    private static final Duration START = Duration.ofSeconds(180);
    /** A bundle line of the banner: id, state, symbolic name, version. */
    private static final Pattern BUNDLE_LINE = Pattern.compile("^\\s+\\d+ [A-Z]+\\s+\\S+ \\S+$");

    @TempDir
    Path tmp;

    @Test
    void rebuildsOnlyWhenASourceChangedAndKeepsTheUsersEtc() throws Exception {
        Path repo = copyOfCheckout(tmp.resolve("repo"));
        Path home = repo.resolve("launcher/target/magnetar");
        Path config = home.resolve("etc/config.properties");
        Path echoCfg = home.resolve("etc/io.magnetar.endpoint-echo.cfg");
        int port = Sockets.freePort();
        String editedConfig = Files.readString(config)
                .replace("magnetar.stop.timeout = 10", "magnetar.stop.timeout = 9")
                .replace(", magnetar-udp,", ",");
        Files.writeString(config, editedConfig);
        String editedEcho = Files.readString(echoCfg).replaceAll("(?m)^port\\s*=.*$", "port = " + port);
        Files.writeString(echoCfg, editedEcho);
        Path source =
                repo.resolve("bundles/magnetar-protocol-echo/src/main/java/io/magnetar/protocol/echo/EchoFraming.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(2)));

        String first = runOnce(repo, port, "first");
        assertThat(first).contains("Building Magnetar");
        assertThat(Files.readString(config))
                .as("etc/config.properties as the user left it")
                .isEqualTo(editedConfig);
        assertThat(Files.readString(echoCfg))
                .as("the echo endpoint file as the user left it")
                .isEqualTo(editedEcho);
        assertPlainTextWithTheBundleListWhole(first);

        String second = runOnce(repo, port, "second");
        assertThat(second).as("nothing changed: no build").doesNotContain("Building Magnetar");
        assertPlainTextWithTheBundleListWhole(second);
    }

    /** Runs launcher/run until echo answers on {@code port}, stops it with SIGTERM (exit 0), returns its output. */
    private String runOnce(Path repo, int port, String name) throws Exception {
        try (LauncherProcess p = LauncherProcess.start(
                List.of(repo.resolve("launcher/run").toString()), repo, tmp.resolve(name + ".out"))) {
            p.awaitStarted(START);
            Magnetar.await("echo on " + port, () -> {
                try {
                    return Sockets.echo(port, name).equals(name);
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(p.stop()).isZero();
            return p.output();
        }
    }

    private static void assertPlainTextWithTheBundleListWhole(String output) {
        assertThat(output).as("no escape codes").doesNotContain("\u001b");
        List<String> lines = output.lines().toList();
        int banner = indexOf(lines, "Magnetar ");
        int started = indexOf(lines, "Started in ");
        assertThat(banner).as("banner line in\n" + output).isGreaterThanOrEqualTo(0);
        assertThat(started).as("start line in\n" + output).isGreaterThan(banner);
        for (String line : lines.subList(banner + 1, started)) {
            Matcher m = BUNDLE_LINE.matcher(line);
            assertThat(m.matches() || line.startsWith("  ! "))
                    .as("a bundle line, not a log line: '" + line + "'")
                    .isTrue();
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The reactor's sources and build output (not its bench, itests or IDE files), dates kept. */
    private static Path copyOfCheckout(Path target) throws IOException {
        Path repo = Path.of(System.getProperty("magnetar.dist", "../launcher/target/magnetar"))
                .toAbsolutePath()
                .normalize()
                .getParent()
                .getParent()
                .getParent();
        // The other modules' poms only: the reactor lists them, launcher/run builds launcher and what it needs.
        for (String part : List.of(
                "pom.xml",
                "bundles",
                "features",
                "launcher",
                "itests/pom.xml",
                "itests/reliability/pom.xml",
                "bench/pom.xml",
                "archetype/pom.xml",
                ".mvn")) {
            copy(repo.resolve(part), target.resolve(part));
        }
        // The copied home has no stamp of a launcher/run build: the first run rebuilds, over that home.
        Files.deleteIfExists(target.resolve("launcher/target/magnetar.built"));
        return target;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else if (Files.isRegularFile(p)) {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
