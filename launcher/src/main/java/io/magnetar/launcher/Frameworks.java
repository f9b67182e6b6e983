package io.magnetar.launcher;

import java.util.Locale;
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
        // By class name rather than ServiceLoader: a ServiceLoader instantiates every framework's factory,
        // and opening Equinox's signed jar to do so costs a signature check on every start with Felix.
        String factory = switch (wanted) {
            case "felix" -> "org.apache.felix.framework.FrameworkFactory";
            case "equinox" -> "org.eclipse.osgi.launch.EquinoxFactory";
            default -> throw new LaunchException(FRAMEWORK + " must be felix or equinox, not '" + name + "'");
        };
        try {
            return (FrameworkFactory)
                    Class.forName(factory).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new LaunchException("no " + wanted + " framework in lib/ (the class path): " + e, e);
        }
    }
}
