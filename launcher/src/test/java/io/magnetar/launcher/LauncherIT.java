package io.magnetar.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Boots a temporary copy of the assembled target/magnetar/ in this JVM. The bundles' classes are not
 * the test's classes (STACK.md), so services are reached by name and reflection.
 */
class LauncherIT {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void bootsFeaturesReadsConfigHotDeploysAndStopsCleanly() throws Exception {
        Path home = copyOfDist();
        // A feature bundle that is not there is reported, not fatal (as magnetar-assembly may be).
        deleteBundle(home, "magnetar-protocol-echo-");

        Launcher launcher = Launcher.start(home, Map.of());
        try {
            BundleContext context = launcher.framework().getBundleContext();
            assertThat(launcher.framework().getState()).isEqualTo(Bundle.ACTIVE);
            assertThat(bundle(context, "magnetar-loop"))
                    .extracting(Bundle::getState)
                    .isEqualTo(Bundle.ACTIVE);
            await(
                    "EventLoopGroup service",
                    () -> context.getServiceReference("io.magnetar.api.EventLoopGroup") != null);
            assertThat(launcher.problems()).anyMatch(p -> p.contains("magnetar-protocol-echo"));
            assertThat(runtimeThreads())
                    .as("the thread check below sees the running framework")
                    .isNotEmpty();

            await(
                    "etc/io.magnetar.endpoint-echo.cfg in Configuration Admin",
                    () -> "7007".equals(endpointPort(context)));

            Path staged = tinyBundle(tmp.resolve("hot.jar"), "io.magnetar.test.hot");
            Files.move(staged, home.resolve("deploy/hot.jar"), StandardCopyOption.ATOMIC_MOVE);
            await("hot-deployed bundle active", () -> {
                Bundle hot = bundle(context, "io.magnetar.test.hot");
                return hot != null && hot.getState() == Bundle.ACTIVE;
            });
            Files.delete(home.resolve("deploy/hot.jar"));
            await("hot-deployed bundle uninstalled", () -> bundle(context, "io.magnetar.test.hot") == null);
        } finally {
            assertThat(launcher.stop(DEADLINE)).as("stopped in time").isTrue();
        }
        assertThat(launcher.framework().getState()).isEqualTo(Bundle.RESOLVED);
        awaitNoRuntimeThreads();
    }

    @Test
    void failsAndStopsTheFrameworkWhenARuntimeBundleIsMissing() throws Exception {
        Path home = copyOfDist();
        deleteBundle(home, "org.apache.felix.scr-");

        assertThatThrownBy(() -> Launcher.start(home, Map.of()))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("org.apache.felix.scr");
        awaitNoRuntimeThreads();
    }

    private Path copyOfDist() throws IOException {
        Path dist = Path.of(System.getProperty("magnetar.dist", "target/magnetar"));
        Path home = tmp.resolve("magnetar");
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = home.resolve(dist.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return home;
    }

    private static void deleteBundle(Path home, String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            List<Path> matches = jars.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList();
            assertThat(matches).as(prefix + "* in bundle/").hasSize(1);
            Files.delete(matches.get(0));
        }
    }

    private static Bundle bundle(BundleContext context, String symbolicName) {
        return Stream.of(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
    }

    /** The port of the io.magnetar.endpoint factory configuration, null until File Install has fed it. */
    private static Object endpointPort(BundleContext context) throws Exception {
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (ref == null) {
            return null;
        }
        Object admin = context.getService(ref);
        try {
            Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Object[] configs = (Object[]) adminType
                    .getMethod("listConfigurations", String.class)
                    .invoke(admin, "(service.factoryPid=io.magnetar.endpoint)");
            if (configs == null || configs.length == 0) {
                return null;
            }
            Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
            return ((Dictionary<?, ?>) configType.getMethod("getProperties").invoke(configs[0])).get("port");
        } finally {
            context.ungetService(ref);
        }
    }

    private static Path tinyBundle(Path jar, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            return jar;
        }
    }

    /** Alive non-daemon threads that the framework, the runtime bundles or Magnetar started. */
    private static List<String> runtimeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .map(Thread::getName)
                .filter(n -> n.matches("(?i).*(magnetar|felix|gogo|fileinstall|scr|configuration).*"))
                .toList();
    }

    private static void awaitNoRuntimeThreads() throws Exception {
        try {
            await("runtime threads to end", () -> runtimeThreads().isEmpty());
        } catch (AssertionError e) {
            assertThat(runtimeThreads()).as("threads left after stop").isEmpty();
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
