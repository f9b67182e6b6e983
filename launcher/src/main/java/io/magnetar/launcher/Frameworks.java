package io.magnetar.launcher;

import java.util.Locale;
import java.util.ServiceLoader;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The OSGi framework the launcher embeds: Apache Felix (the default) or Eclipse Equinox, both shipped in
 * {@code lib/}, chosen by {@value #FRAMEWORK} in {@code etc/config.properties} (or {@code -Dmagnetar.framework}).
 * Called once, on the starting thread.
 */
final class Frameworks {

    static final String FRAMEWORK = "magnetar.framework";

    private Frameworks() {}

    /** The factory of the framework {@code name} names ({@code felix} or {@code equinox}; null means felix). */
    static FrameworkFactory factory(String name) throws LaunchException {
        String wanted = name == null || name.isBlank() ? "felix" : name.trim().toLowerCase(Locale.ROOT);
        String prefix = switch (wanted) {
            case "felix" -> "org.apache.felix.";
            case "equinox" -> "org.eclipse.osgi.";
            default -> throw new LaunchException(FRAMEWORK + " must be felix or equinox, not '" + name + "'");
        };
        for (FrameworkFactory f : ServiceLoader.load(FrameworkFactory.class)) {
            if (f.getClass().getName().startsWith(prefix)) {
                return f;
            }
        }
        throw new LaunchException("no " + wanted + " framework in lib/ (the class path)");
    }
}
