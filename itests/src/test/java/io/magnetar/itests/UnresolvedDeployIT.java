package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle dropped into {@code deploy/} that cannot resolve (it imports the API in a range nothing exports, a
 * natural guess from the bundles' own 0.1.0 version) is named in a WARNING with the import that is not met,
 * and an endpoint waiting for a protocol names it as installed but not resolved. Before, the log said only
 * "installed (state INSTALLED)" and the endpoint advised deploying a bundle.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnresolvedDeployIT {

    @TempDir
    Path tmp;

    @Test
    void anUnresolvableDeployedBundleIsNamedWithTheImportNothingExports() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(new java.util.logging.SimpleFormatter().formatMessage(r));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger deployLog = Logger.getLogger("io.magnetar.launcher.DeployLog");
        deployLog.addHandler(capture);
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-shout.cfg",
                    "transport = tcp\nprotocol = shout\nhost = 127.0.0.1\nport = 0\n");
            // Waiting first, then the deploy: the hint must follow a bundle that arrives without a service event.
            await("the endpoint waiting for its protocol", () -> info(m).contains("WAITING"));
            m.deploy(unresolvable(tmp.resolve("shout.jar")), "shout.jar");

            await(
                    "a warning naming the unmet import",
                    () -> warnings.stream()
                            .anyMatch(w -> w.contains("org.example.shout")
                                    && w.contains("osgi.wiring.package=io.magnetar.api")));
            await(
                    "the waiting endpoint names the unresolved bundle",
                    () -> info(m).contains("installed but not resolved: org.example.shout 1.0.0"));
        } finally {
            deployLog.removeHandler(capture);
        }
        assertThat(warnings).anyMatch(w -> w.contains("cannot resolve"));
    }

    private static String info(Magnetar m) {
        try {
            return m.shell("info", "shout");
        } catch (Exception e) {
            return ""; // the shell commands not registered yet
        }
    }

    /** A bundle with only a manifest, importing {@code io.magnetar.api} in [0.1, 1): the API exports 1.x. */
    private static Path unresolvable(Path jar) throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.example.shout");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "io.magnetar.api;version=\"[0.1,1)\"");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
        return jar;
    }
}
