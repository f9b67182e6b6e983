package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol author's journey, exactly as the archetype's users take it: {@code archetype:generate} in an
 * empty directory, {@code mvn package} as a separate Maven build, the jar dropped into a running
 * {@code bin/magnetar}'s {@code deploy/} with an endpoint file, a line through socat; then a changed build
 * copied over it serves the change, and deleting it frees the port. Needs the reactor installed
 * ({@code mvn install}: the archetype and the bundles it depends on come from the local repository).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ArchetypeJourneyIT {

    private static final Duration BUILD_DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void generateBuildDeployServeUpdateDelete() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        Magnetar.setEchoPort(home, 0);
        try (LauncherProcess launcher = LauncherProcess.start(
                List.of(home.resolve("bin/magnetar").toString()), home, tmp.resolve("launcher.out"))) {
            launcher.awaitStarted(Magnetar.DEADLINE);

            long begin = System.nanoTime();
            Path work = Files.createDirectories(tmp.resolve("work"));
            maven(
                    work,
                    "archetype:generate",
                    "-DarchetypeGroupId=io.magnetar",
                    "-DarchetypeArtifactId=magnetar-protocol-archetype",
                    "-DarchetypeVersion=" + System.getProperty("magnetar.version"),
                    "-DgroupId=org.example",
                    "-DartifactId=upper",
                    "-Dversion=1.0.0",
                    "-Dpackage=org.example.upper",
                    "-Dprotocol=upper");
            Path project = work.resolve("upper");
            maven(project, "package");
            Path jar = project.resolve("target/upper-1.0.0.jar");
            assertThat(jar).isRegularFile();

            int port = Sockets.freePort();
            deploy(jar, home.resolve("deploy/upper.jar"));
            write(
                    home.resolve("etc/io.magnetar.endpoint-upper.cfg"),
                    "transport = tcp\nprotocol = upper\nhost = 127.0.0.1\nport = " + port + "\n");
            awaitLine(port, "hello", "HELLO");
            long journeyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            System.out.println(
                    "archetype journey: generate, package, deploy, first line served in " + journeyMs + " ms");
            Magnetar.await(
                    "the launcher logs the install", () -> output(launcher).contains("deploy/: upper 1.0.0 installed"));

            // The author changes onMessage, rebuilds, copies the jar over the deployed one.
            Path source = project.resolve("src/main/java/org/example/upper/LineProtocolFactory.java");
            Files.writeString(
                    source,
                    Files.readString(source)
                            .replace(
                                    "send(line.toUpperCase(Locale.ROOT));",
                                    "send(\">\" + line.toUpperCase(Locale.ROOT));"));
            Path test = project.resolve("src/test/java/org/example/upper/LineProtocolFactoryTest.java");
            Files.writeString(
                    test,
                    Files.readString(test).replace("\"HELLO\"", "\">HELLO\"").replace("\"WORLD\"", "\">WORLD\""));
            maven(project, "package");
            deploy(jar, home.resolve("deploy/upper.jar"));
            awaitLine(port, "hello", ">HELLO");

            Files.delete(home.resolve("deploy/upper.jar"));
            Magnetar.await(
                    "port " + port + " freed after the jar is deleted",
                    Duration.ofSeconds(15),
                    () -> Sockets.isFree(port));
            String log = output(launcher);
            assertThat(log)
                    .as("launcher log")
                    .contains("deploy/")
                    .doesNotContain("SEVERE")
                    .doesNotContain("Exception");
            assertThat(launcher.stop()).isZero();
        }
    }

    /** One Maven build in {@code dir}, with this build's Maven and local repository. */
    private void maven(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B", "-ntp"));
        String repo = System.getProperty("maven.repo.local", "");
        if (!repo.isEmpty() && !repo.startsWith("${")) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        command.addAll(List.of(args));
        Path log = tmp.resolve("maven-" + System.nanoTime() + ".log");
        ProcessBuilder b = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        b.environment().remove("MAVEN_OPTS");
        Process p = b.start();
        if (!p.waitFor(BUILD_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", command) + " took over " + BUILD_DEADLINE + ":\n" + Files.readString(log));
        }
        assertThat(p.exitValue())
                .as(String.join(" ", command) + "\n" + Files.readString(log))
                .isZero();
    }

    /** Copies beside the target, then renames: File Install never sees a half-written jar. */
    private static void deploy(Path jar, Path target) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".part");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** socat, the client an author would use: {@code printf 'line\n' | socat - TCP:127.0.0.1:port}. */
    private void awaitLine(int port, String line, String expected) {
        Magnetar.await("'" + expected + "' from socat on " + port, Duration.ofSeconds(20), () -> {
            try {
                Process p = new ProcessBuilder("socat", "-t", "2", "-", "TCP:127.0.0.1:" + port)
                        .redirectErrorStream(true)
                        .start();
                p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().close();
                String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                return answer.equals(expected + "\n");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private static String output(LauncherProcess launcher) {
        try {
            return launcher.output();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
