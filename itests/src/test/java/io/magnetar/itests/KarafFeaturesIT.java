package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features of {@code features/} in a real Apache Karaf (minimal 4.4.8 from Maven Central, as
 * STACK.md names it): the Magnetar bundles are staged in Karaf's {@code system/} repository, the
 * features file is added to its boot repositories, and Karaf runs as its own process. What the IT sees
 * of it: its log ({@code data/log/karaf.log}, where Magnetar's System.Logger lands through pax-logging),
 * its {@code deploy/} folder and the endpoint's socket.
 */
class KarafFeaturesIT {

    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Duration BOOT = Duration.ofSeconds(120); // first boot may fetch Karaf's scr from Central
    private static final Pattern SERVING =
            Pattern.compile("endpoint echo serving echo over tcp on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void echoEndpointWaitsForItsTransportInKarafThenServesWhenTheTcpBundleIsDeployedAndStopsWithKaraf()
            throws Exception {
        Path karaf = unpack();
        Path dist = Path.of(System.getProperty("magnetar.dist", "../launcher/target/magnetar"))
                .toAbsolutePath();
        stageBundles(dist.resolve("bundle"), karaf.resolve("system"));
        bootWith(karaf, dist.resolve("etc/features.xml"));
        Files.writeString(
                karaf.resolve("etc/io.magnetar.endpoint-echo.cfg"),
                "transport = tcp\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n");
        Path log = karaf.resolve("data/log/karaf.log");

        Process process = start(karaf);
        try {
            awaitLog(
                    log,
                    Pattern.compile(Pattern.quote("endpoint echo on 127.0.0.1:0: waiting for transport 'tcp' service")),
                    BOOT,
                    process);

            Path staged = Files.copy(dist.resolve("bundle/magnetar-tcp-" + VERSION + ".jar"), dir.resolve("tcp.jar"));
            Files.move(staged, karaf.resolve("deploy/magnetar-tcp.jar"), StandardCopyOption.ATOMIC_MOVE);
            int port = Integer.parseInt(
                    awaitLog(log, SERVING, Duration.ofSeconds(30), process).group(1));

            assertThat(Sockets.echo(port, "hello from karaf")).isEqualTo("hello from karaf");

            process.destroy(); // SIGTERM: Karaf stops its bundles, the endpoint closes
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("Karaf stopped within 60 s")
                    .isTrue();
            assertThat(Files.readString(log)).contains("endpoint echo stopping");
            assertThat(Sockets.isFree(port)).as("port %d freed", port).isTrue();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Path unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("karaf.tarball", "target/karaf/apache-karaf-minimal.tar.gz"));
        assertThat(tarball).as("Karaf tarball copied by the build").exists();
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0)
                .as("tar xzf %s", tarball)
                .isTrue();
        try (Stream<Path> top = Files.list(dir)) {
            return top.filter(p -> p.getFileName().toString().startsWith("apache-karaf"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Every Magnetar bundle into Karaf's own Maven-layout repository, where its mvn: URLs look first. */
    private static void stageBundles(Path bundles, Path system) throws IOException {
        try (Stream<Path> jars = Files.list(bundles)) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                String name = jar.getFileName().toString();
                if (!name.startsWith("magnetar-") || !name.endsWith("-" + VERSION + ".jar")) {
                    continue;
                }
                String artifact = name.substring(0, name.length() - VERSION.length() - 5);
                Path to = system.resolve("io/magnetar/" + artifact + "/" + VERSION + "/" + name);
                Files.createDirectories(to.getParent());
                Files.copy(jar, to);
            }
        }
    }

    /**
     * Adds the Magnetar features repository and boots the assembly and echo features, without the
     * transport; drops Karaf's ssh feature, which would listen on a fixed port.
     */
    private static void bootWith(Path karaf, Path features) throws IOException {
        Path cfg = karaf.resolve("etc/org.apache.karaf.features.cfg");
        String s = Files.readString(cfg);
        String repos = "featuresRepositories = \\\n";
        String boot = "featuresBoot = \\\n";
        assertThat(s).contains(repos, boot, "    ssh/4.4.8, \\\n");
        s = s.replace(repos, repos + "    " + features.toUri() + ", \\\n")
                .replace(boot, boot + "    magnetar-assembly, \\\n    magnetar-echo, \\\n")
                .replace("    ssh/4.4.8, \\\n", "");
        Files.writeString(cfg, s);
        // Maven Central only: Karaf's default list also has two snapshot repositories this machine cannot
        // reach, and pax-url asks them about every -SNAPSHOT bundle (ours) with 5 s connect timeouts and
        // retries, which stalled a boot past 2 minutes in one CI run.
        Path mvn = karaf.resolve("etc/org.ops4j.pax.url.mvn.cfg");
        String m = Files.readString(mvn);
        int from = m.indexOf("org.ops4j.pax.url.mvn.repositories=");
        int to = m.indexOf("@snapshots@noreleases\n", m.indexOf("ops4j.sonatype.snapshots.deploy", from));
        assertThat(from).as("repositories in " + mvn).isPositive();
        assertThat(to).as("end of the repositories in " + mvn).isGreaterThan(from);
        Files.writeString(
                mvn,
                m.substring(0, from) + "org.ops4j.pax.url.mvn.repositories=https://repo1.maven.org/maven2@id=central\n"
                        + m.substring(to + "@snapshots@noreleases\n".length()));
    }

    /** {@code daemon} execs the JVM in place of the script, so SIGTERM reaches Karaf's shutdown hook. */
    private Process start(Path karaf) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(karaf.resolve("bin/karaf").toString(), "daemon")
                .directory(karaf.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("karaf.out").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    /**
     * Polls Karaf's log until {@code pattern} appears; fails at the deadline with the log's tail, Karaf's console
     * output and a thread dump of its JVM (a boot that never got that far once, in CI: the dump says where).
     */
    private Matcher awaitLog(Path log, Pattern pattern, Duration within, Process karaf) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    return m;
                }
            }
            Thread.sleep(100); // polling a file with a deadline, not synchronising on time
        }
        String tail = text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        Path out = dir.resolve("karaf.out");
        String console = Files.exists(out) ? Files.readString(out) : "";
        String dump;
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(karaf.pid()),
                            "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            dump = "no thread dump: " + e;
        }
        throw new AssertionError("no '" + pattern + "' in Karaf's log within " + within.toSeconds()
                + " s; log ends:\n" + tail + "\nconsole ends:\n"
                + console.substring(Math.max(0, console.length() - 4000)) + "\nKaraf's threads:\n"
                + dump.substring(0, Math.min(dump.length(), 30_000)));
    }
}
