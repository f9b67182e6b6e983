package io.magnetar.launcher;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * Logs what File Install does with {@code deploy/}: each bundle installed, updated, started, stopped or
 * uninstalled there, with its name, version and state, so an author sees the deploy happen. Bundles
 * from elsewhere (the features' {@code bundle/}) are not logged. Thread-safe (stateless).
 */
final class DeployLog implements BundleListener {

    private static final System.Logger LOG = System.getLogger(DeployLog.class.getName());

    /** The folder's absolute path with a trailing separator: File Install's locations contain it. */
    private final String deployPath;

    DeployLog(Path deploy) {
        this.deployPath = deploy.toAbsolutePath().normalize() + "/";
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        String location = b.getLocation();
        if (location == null || !location.contains(deployPath)) {
            return;
        }
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what != null) {
            LOG.log(
                    Level.INFO,
                    "deploy/: {0} {1} {2} (state {3}, from {4})",
                    b.getSymbolicName(),
                    b.getVersion(),
                    what,
                    Main.state(b.getState()),
                    location.substring(location.lastIndexOf('/') + 1));
        }
    }
}
