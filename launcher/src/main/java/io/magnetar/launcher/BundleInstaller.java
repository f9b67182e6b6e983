package io.magnetar.launcher;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Installs features' bundles from {@code bundle/} and starts them. A required bundle that cannot be found,
 * installed or started fails with a {@link LaunchException}; an optional one is logged, added to the
 * problems and skipped. Stateless; runs on the caller's thread.
 */
final class BundleInstaller {

    private static final System.Logger LOG = System.getLogger(BundleInstaller.class.getName());

    /**
     * Prefix of the locations {@code bundle/} jars are installed from: Felix and Equinox both read such a jar
     * where it is instead of copying it into the framework cache on every start.
     */
    static final String REFERENCE = "reference:";

    private BundleInstaller() {}

    /** Installs all first, then starts, so that start order never decides whether a bundle resolves. */
    static void installAndStart(
            BundleContext context,
            Path bundleDir,
            List<FeatureRepository.BundleRef> refs,
            boolean required,
            List<String> problems)
            throws LaunchException {
        start(install(context, bundleDir, refs, required, problems), required, problems);
    }

    /** Installs the bundles {@code refs} name, in their order; the ones installed (or installed already). */
    static List<Bundle> install(
            BundleContext context,
            Path bundleDir,
            List<FeatureRepository.BundleRef> refs,
            boolean required,
            List<String> problems)
            throws LaunchException {
        List<Bundle> installed = new ArrayList<>();
        for (FeatureRepository.BundleRef ref : refs) {
            String what = ref.location() + " (feature " + ref.feature() + ")";
            Optional<String> url;
            try {
                url = url(bundleDir, ref.location());
            } catch (IllegalArgumentException e) {
                fail(required, problems, "bad location " + what, e);
                continue;
            }
            if (url.isEmpty()) {
                fail(
                        required,
                        problems,
                        "missing " + what + ": no "
                                + bundleDir.resolve(MavenLocation.parse(ref.location())
                                        .orElseThrow()
                                        .fileName()),
                        null);
                continue;
            }
            try {
                installed.add(context.installBundle(url.get()));
            } catch (BundleException e) {
                fail(required, problems, "cannot install " + what, e);
            }
        }
        return installed;
    }

    /** Starts the bundles in their order; fragments are left to attach to their hosts. */
    static void start(List<Bundle> bundles, boolean required, List<String> problems) throws LaunchException {
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue; // starting a fragment is an error
            }
            try {
                bundle.start();
            } catch (BundleException e) {
                fail(required, problems, "cannot start " + bundle.getSymbolicName() + " " + bundle.getVersion(), e);
            }
        }
    }

    /** A {@code mvn:} location maps to its jar in {@code bundle/}, empty if absent; others are used as they are. */
    static Optional<String> url(Path bundleDir, String location) {
        Optional<MavenLocation> maven = MavenLocation.parse(location);
        if (maven.isEmpty()) {
            return Optional.of(location);
        }
        Path jar = bundleDir.resolve(maven.get().fileName());
        return Files.isRegularFile(jar) ? Optional.of(REFERENCE + jar.toUri()) : Optional.empty();
    }

    private static void fail(boolean required, List<String> problems, String message, Exception cause)
            throws LaunchException {
        String full = cause == null ? message : message + ": " + cause.getMessage();
        if (required) {
            throw new LaunchException(full, cause);
        }
        LOG.log(Level.WARNING, full + "; skipped");
        problems.add(full);
    }
}
