package io.magnetar.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;

/**
 * Gogo commands {@code magnetar:features}, {@code magnetar:feature-install NAME} and
 * {@code magnetar:feature-uninstall NAME} over the home's {@code etc/features.xml} and {@code bundle/}
 * (inside Karaf, Karaf's own {@code feature:*} do this). Registered by the launcher in the system
 * bundle's context; Gogo finds commands by their service properties and calls them by reflection, so
 * no bundle imports this class. Its registration also publishes, in {@link #PROVIDES}, which feature
 * brings which transport or protocol, for the endpoints that wait for one to say so.
 *
 * <p>Thread-safe: commands are serialised on this object.
 */
public final class FeatureCommands {

    /**
     * Service property: {@code kind:name=feature} entries ({@code protocol:http=magnetar-http}), one per
     * transport or protocol a feature of {@code features.xml} declares as a capability.
     */
    public static final String PROVIDES = "magnetar.features.provides";

    private final FeatureRepository repository;
    private final BundleContext context;
    private final Path bundleDir;

    FeatureCommands(FeatureRepository repository, BundleContext context, Path bundleDir) {
        this.repository = repository;
        this.context = context;
        this.bundleDir = bundleDir;
    }

    /** Registers the commands (and the catalogue) in {@code context}. */
    ServiceRegistration<?> register() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "magnetar");
        props.put("osgi.command.function", new String[] {"features", "feature-install", "feature-uninstall"});
        List<String> provides = new ArrayList<>();
        for (String feature : repository.names()) {
            for (String service : repository.provides(feature)) {
                provides.add(service + "=" + feature);
            }
        }
        props.put(PROVIDES, provides.toArray(String[]::new));
        return context.registerService(Object.class.getName(), this, props);
    }

    /** One line per feature: name, state, what it provides, description. */
    public synchronized String features() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FEATURE", "STATE", "PROVIDES", "DESCRIPTION"});
        for (String name : repository.names()) {
            rows.add(new String[] {
                name, state(name), String.join(",", repository.provides(name)), repository.description(name)
            });
        }
        return table(rows);
    }

    /**
     * Gogo's entry for the hyphenated names (no Java method can be called {@code feature-install}): it
     * passes the command name first.
     */
    public synchronized String _main(String command, String feature) {
        String name = command.substring(command.indexOf(':') + 1);
        return switch (name) {
            case "feature-install" -> install(feature);
            case "feature-uninstall" -> uninstall(feature);
            default -> "unknown command " + command;
        };
    }

    /** Installs and starts the feature's bundles (and its included features'); says what it did. */
    public synchronized String install(String feature) {
        if (!repository.defines(feature)) {
            return "no feature '" + feature + "' in features.xml; features: " + repository.names();
        }
        List<String> problems = new ArrayList<>();
        try {
            BundleInstaller.installAndStart(
                    context, bundleDir, repository.resolve(List.of(feature)).bundles(), false, problems);
        } catch (LaunchException impossible) {
            return "cannot install " + feature + ": " + impossible.getMessage();
        }
        return problems.isEmpty()
                ? "feature " + feature + " installed: " + state(feature)
                : "feature " + feature + " installed with problems: " + problems;
    }

    /**
     * Stops and uninstalls the feature's bundles that no other installed feature needs (the core
     * bundles of magnetar-core stay while anything uses them).
     */
    public synchronized String uninstall(String feature) {
        if (!repository.defines(feature)) {
            return "no feature '" + feature + "' in features.xml";
        }
        // As Karaf: a bundle another installed feature needs stays (a feature including this one keeps all).
        Set<String> keep = new HashSet<>();
        List<String> needing = new ArrayList<>();
        for (String other : repository.names()) {
            if (!other.equals(feature) && state(other).equals("installed")) {
                repository.resolve(List.of(other)).bundles().forEach(b -> keep.add(b.location()));
                needing.add(other);
            }
        }
        List<String> removed = new ArrayList<>();
        for (FeatureRepository.BundleRef ref :
                repository.resolve(List.of(feature)).bundles()) {
            Bundle b = installed(ref);
            if (b == null || keep.contains(ref.location())) {
                continue;
            }
            try {
                b.uninstall();
                removed.add(b.getSymbolicName());
            } catch (BundleException | IllegalStateException e) {
                return "cannot uninstall " + b.getSymbolicName() + ": " + e.getMessage();
            }
        }
        return removed.isEmpty()
                ? "nothing to uninstall: installed features " + needing + " need every bundle of " + feature
                : "feature " + feature + " uninstalled: " + removed;
    }

    /**
     * installed (every bundle of it and of the features it includes is active, or a fragment), not
     * installed (none of its own bundles is), or partly installed.
     */
    private String state(String feature) {
        boolean anyOwn = false;
        for (String location : repository.ownBundles(feature)) {
            anyOwn |= installed(new FeatureRepository.BundleRef(location, feature)) != null;
        }
        if (!anyOwn && !repository.ownBundles(feature).isEmpty()) {
            return "not installed";
        }
        for (FeatureRepository.BundleRef ref :
                repository.resolve(List.of(feature)).bundles()) {
            Bundle b = installed(ref);
            if (b == null || (b.getState() != Bundle.ACTIVE && b.getHeaders().get("Fragment-Host") == null)) {
                return "partly installed";
            }
        }
        return "installed";
    }

    private Bundle installed(FeatureRepository.BundleRef ref) {
        String url = MavenLocation.parse(ref.location())
                .map(m -> BundleInstaller.REFERENCE
                        + bundleDir.resolve(m.fileName()).toUri())
                .orElse(ref.location());
        return context.getBundle(url);
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
