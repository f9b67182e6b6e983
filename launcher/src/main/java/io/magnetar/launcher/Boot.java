package io.magnetar.launcher;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * The runnable jar's entry: runs {@link Main} with the one framework {@code magnetar.framework} names, on
 * the class path when {@code bin/magnetar} put it (alone) there, else on a class loader of its own with
 * the launcher. Felix and Equinox both carry the OSGi API, and Equinox also
 * a signed copy of Felix's resolver: with both jars on one class path, whichever comes second is partly
 * shadowed (Equinox then fails with a signer mismatch). Refers to no OSGi type, so that nothing of the
 * framework is loaded before the choice. Runs on the main thread, once.
 */
public final class Boot {

    private static final String FELIX_JAR = "org.apache.felix.framework-";
    private static final String EQUINOX_JAR = "org.eclipse.osgi-";
    private static final String FELIX_FACTORY = "org.apache.felix.framework.FrameworkFactory";
    private static final String EQUINOX_FACTORY = "org.eclipse.osgi.launch.EquinoxFactory";

    private Boot() {}

    /** Same arguments and exit status as {@link Main#main}. */
    public static void main(String[] args) throws Throwable {
        Path jar = ownJar();
        if (jar == null || jar.getParent() == null) {
            System.err.println("magnetar-launcher.jar must be run from its lib/ folder, beside the frameworks");
            System.exit(1);
            return;
        }
        Path lib = jar.getParent();
        boolean equinox = frameworkName(home(args, jar)).equals("equinox");
        ClassLoader loader;
        if (visible(equinox ? EQUINOX_FACTORY : FELIX_FACTORY) && !visible(equinox ? FELIX_FACTORY : EQUINOX_FACTORY)) {
            // bin/magnetar put the chosen framework on the class path: its classes come from the
            // class-data-sharing archive, which serves the application class loader best.
            loader = Boot.class.getClassLoader();
        } else {
            Path framework = frameworkJar(lib, equinox ? EQUINOX_JAR : FELIX_JAR);
            if (framework == null) {
                System.err.println("no " + (equinox ? "equinox" : "felix") + " framework jar in " + lib);
                System.exit(1);
                return;
            }
            loader = new URLClassLoader(
                    "magnetar-launcher",
                    new URL[] {framework.toUri().toURL(), jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
        }
        try {
            loader.loadClass("io.magnetar.launcher.Main")
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * The home Main will use: the first argument, else {@code -Dmagnetar.home}, else the folder above
     * {@code lib/} holding {@code jar} (null jar: the working directory).
     */
    static Path home(String[] args, Path jar) {
        if (args.length == 1 && !args[0].startsWith("-")) {
            return Path.of(args[0]);
        }
        String property = System.getProperty(Launcher.HOME);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path lib = jar == null ? null : jar.getParent();
        if (jar != null
                && Files.isRegularFile(jar)
                && lib != null
                && lib.getFileName() != null
                && lib.getFileName().toString().equals("lib")
                && lib.getParent() != null) {
            return lib.getParent();
        }
        return Path.of("");
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, Boot.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The jar this class came from, or null when it was not loaded from one. */
    static Path ownJar() {
        try {
            return Path.of(Boot.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null; // no usable code source (an unusual class loader)
        }
    }

    /** {@code -Dmagnetar.framework}, else that key of {@code etc/config.properties}, else felix; lower case. */
    private static String frameworkName(Path home) {
        String name = System.getProperty(Frameworks.FRAMEWORK);
        if (name == null) {
            Path config = home.resolve("etc").resolve("config.properties");
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(config)) {
                p.load(in);
                name = p.getProperty(Frameworks.FRAMEWORK);
            } catch (IOException | IllegalArgumentException e) {
                // Main reads the file again and reports what is wrong with it
            }
        }
        // Another name is Main's to refuse (Frameworks says which are known); Felix lets it get there.
        return name == null ? "felix" : name.trim().toLowerCase(Locale.ROOT);
    }

    private static Path frameworkJar(Path lib, String prefix) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, prefix + "*.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        return null;
    }
}
