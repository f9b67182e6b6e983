package io.magnetar.launcher;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Requirement;

/**
 * Logs what File Install does with {@code deploy/}: each bundle installed, updated, started, stopped or
 * uninstalled there, with its name, version and state, so an author sees the deploy happen. Bundles
 * from elsewhere (the features' {@code bundle/}) are not logged. A deployed bundle still not resolved
 * {@value #RESOLVE_CHECK_SECONDS} s after it was installed or updated gets a WARNING naming the packages no
 * bundle exports in the version range it imports (File Install's own report goes to a log service that may
 * not be there yet). Thread-safe (stateless).
 */
final class DeployLog implements BundleListener {

    private static final System.Logger LOG = System.getLogger(DeployLog.class.getName());
    static final int RESOLVE_CHECK_SECONDS = 2;

    /** The folder's absolute path with a trailing separator: File Install's locations contain it. */
    private final String deployPath;

    private final FrameworkWiring wiring;

    DeployLog(Path deploy, FrameworkWiring wiring) {
        this.deployPath = deploy.toAbsolutePath().normalize() + "/";
        this.wiring = wiring;
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
        if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED) {
            CompletableFuture.delayedExecutor(RESOLVE_CHECK_SECONDS, TimeUnit.SECONDS)
                    .execute(() -> reportUnresolved(b));
        }
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

    private void reportUnresolved(Bundle b) {
        try {
            if (b.getState() != Bundle.INSTALLED) {
                return; // resolved (or gone) meanwhile
            }
            List<String> missing = unmetImports(b, wiring);
            LOG.log(
                    Level.WARNING,
                    "deploy/: {0} {1} cannot resolve: {2}",
                    b.getSymbolicName(),
                    b.getVersion(),
                    missing.isEmpty()
                            ? "a requirement other than a package import is not met (Gogo: start " + b.getBundleId()
                                    + " says which)"
                            : "no bundle exports " + String.join(", ", missing));
        } catch (IllegalStateException | SecurityException stopping) {
            // the framework is stopping, or the bundle went away: nothing to report
        }
    }

    /** The bundle's mandatory package imports that nothing installed provides, each with its filter. */
    static List<String> unmetImports(Bundle b, FrameworkWiring wiring) {
        List<String> unmet = new ArrayList<>();
        BundleRevision revision = b.adapt(BundleRevision.class);
        if (revision == null) {
            return unmet;
        }
        for (Requirement r : revision.getRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            boolean optional = PackageNamespace.RESOLUTION_OPTIONAL.equals(
                    r.getDirectives().get(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
            if (!optional && wiring.findProviders(r).isEmpty()) {
                unmet.add(String.valueOf(r.getDirectives().get(PackageNamespace.REQUIREMENT_FILTER_DIRECTIVE)));
            }
        }
        return unmet;
    }
}
