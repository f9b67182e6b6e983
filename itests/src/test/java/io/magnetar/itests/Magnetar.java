package io.magnetar.itests;

import io.magnetar.launcher.Launcher;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A real Felix booted in this JVM from a temporary copy of the assembled {@code launcher/target/magnetar}.
 * Bundle classes are not the test's classes, so services are reached by name, properties and reflection.
 */
final class Magnetar implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Path home;
    private final Launcher launcher;

    private Magnetar(Path home, Launcher launcher) {
        this.home = home;
        this.launcher = launcher;
    }

    /** Copies the assembled home into {@code dir} (the default echo endpoint on port 0) and boots it. */
    static Magnetar boot(Path dir, Map<String, String> overrides) throws Exception {
        Path home = copyOfDist(dir.resolve("home"));
        setEchoPort(home, 0);
        return new Magnetar(home, Launcher.start(home, overrides));
    }

    /** Points the home's default echo endpoint at {@code port} (0: any free one). */
    static void setEchoPort(Path home, int port) throws IOException {
        Path echoCfg = home.resolve("etc/io.magnetar.endpoint-echo.cfg");
        Files.writeString(echoCfg, Files.readString(echoCfg).replaceAll("(?m)^port\\s*=.*$", "port = " + port));
    }

    /** A copy of the assembled home in {@code target}, dates kept (see {@link #copyTree}). */
    static Path copyOfDist(Path target) throws IOException {
        Path dist = Path.of(System.getProperty("magnetar.dist", "../launcher/target/magnetar"))
                .toAbsolutePath();
        if (!Files.isDirectory(dist.resolve("bundle"))) {
            throw new IllegalStateException("no assembled launcher at " + dist + ": build the reactor first");
        }
        return copyTree(dist, target);
    }

    /**
     * {@code from} copied to {@code to} with the dates of files and folders kept, as {@code cp -a}, a
     * backup's restore or {@code tar x} keep them: nothing in the copy is newer than it was in {@code from}.
     */
    static Path copyTree(Path from, Path to) throws IOException {
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

    Path home() {
        return home;
    }

    Launcher launcher() {
        return launcher;
    }

    BundleContext context() {
        return launcher.framework().getBundleContext();
    }

    /** The jar of {@code artifactId} in the home's {@code bundle/} folder. */
    Path bundleJar(String artifactId) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(artifactId + " not in bundle/"));
        }
    }

    /** Writes {@code content} to {@code etc/<name>} atomically, as File Install expects. */
    void writeEtc(String name, String content) throws IOException {
        Path staged = Files.createTempFile(home, "staged", ".tmp");
        Files.writeString(staged, content);
        Files.move(
                staged,
                home.resolve("etc").resolve(name),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Moves {@code jar} into {@code deploy/<name>} atomically (a copy first, so the source stays). */
    void deploy(Path jar, String name) throws IOException {
        Path staged = Files.createTempFile(home, "staged", ".jar");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                staged,
                home.resolve("deploy").resolve(name),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The bundle installed from {@code <artifactId>-<version>.jar} (its location names the file). */
    Bundle bundleByJarName(String artifactId) {
        for (Bundle b : context().getBundles()) {
            String file = b.getLocation().substring(b.getLocation().lastIndexOf('/') + 1);
            if (file.startsWith(artifactId + "-")) {
                return b;
            }
        }
        return null;
    }

    Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** The port of endpoint {@code name}'s {@code Server} service, or -1 while it is not serving. */
    int endpointPort(String name) {
        ServiceReference<?> ref = serverReference(name);
        return ref == null ? -1 : (Integer) ref.getProperty("magnetar.port");
    }

    ServiceReference<?> serverReference(String name) {
        try {
            ServiceReference<?>[] refs =
                    context().getServiceReferences("io.magnetar.api.Server", "(magnetar.endpoint=" + name + ")");
            return refs == null ? null : refs[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Waits until endpoint {@code name} serves and returns its port. */
    int awaitServing(String name) {
        await("endpoint " + name + " serving", () -> endpointPort(name) > 0);
        return endpointPort(name);
    }

    /** Runs a {@code magnetar:} shell command on whichever command service has it, by reflection. */
    String shell(String function, Object... args) throws Exception {
        ServiceReference<?>[] refs = context().getServiceReferences((String) null, "(osgi.command.scope=magnetar)");
        if (refs == null) {
            throw new IllegalStateException("no magnetar shell commands registered");
        }
        for (ServiceReference<?> ref : refs) {
            Object commands = context().getService(ref);
            try {
                for (Method m : commands.getClass().getMethods()) {
                    if (m.getName().equals(function) && m.getParameterCount() == args.length) {
                        return String.valueOf(m.invoke(commands, args));
                    }
                }
            } finally {
                context().ungetService(ref);
            }
        }
        throw new IllegalArgumentException("no command " + function);
    }

    /**
     * Runs {@code commandLine} in a real Gogo session (the framework's CommandProcessor, as the console
     * would) and returns what it printed and returned.
     */
    String gogo(String commandLine) throws Exception {
        ServiceReference<?> ref = context().getServiceReference("org.apache.felix.service.command.CommandProcessor");
        if (ref == null) {
            throw new IllegalStateException("no Gogo CommandProcessor");
        }
        Object processor = context().getService(ref);
        try {
            Class<?> processorType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
            Object session = processorType
                    .getMethod(
                            "createSession",
                            java.io.InputStream.class,
                            java.io.OutputStream.class,
                            java.io.OutputStream.class)
                    .invoke(processor, java.io.InputStream.nullInputStream(), print, print);
            try {
                Object result =
                        sessionType.getMethod("execute", CharSequence.class).invoke(session, commandLine);
                print.flush();
                return out.toString(java.nio.charset.StandardCharsets.UTF_8) + (result == null ? "" : result);
            } finally {
                sessionType.getMethod("close").invoke(session);
            }
        } finally {
            context().ungetService(ref);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, DEADLINE, condition);
    }

    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20); // polling interval; the condition decides, the deadline bounds it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (!launcher.stop(DEADLINE)) {
            throw new AssertionError("framework did not stop within " + DEADLINE);
        }
    }
}
