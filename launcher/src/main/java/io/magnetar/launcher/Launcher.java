package io.magnetar.launcher;

import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A running Magnetar: an embedded OSGi framework with the boot features' bundles (all required) and
 * the configured features' bundles (best effort) installed from a home folder laid out as
 * {@code bundle/}, {@code etc/} and {@code deploy/}. File Install then feeds {@code etc/*.cfg} to
 * Configuration Admin and hot-deploys {@code deploy/}.
 *
 * <p>Thread-safe: {@link #start} runs on the caller's thread; {@link #stop} may be called from any
 * thread, a shutdown hook included, and more than once.
 */
public final class Launcher {

    /** Features to install, comma-separated; a bundle missing from {@code bundle/} is logged and skipped. */
    public static final String FEATURES = "magnetar.features";
    /** Features that must install and start completely, or {@link #start} fails. */
    public static final String BOOT_FEATURES = "magnetar.features.boot";
    /** Every transport and protocol that ships in {@code bundle/}: an endpoint file alone serves any of them. */
    static final String DEFAULT_FEATURES = "magnetar-core, magnetar-tcp, magnetar-tls, magnetar-udp, magnetar-echo, "
            + "magnetar-http, magnetar-websocket, magnetar-resp, magnetar-assembly, magnetar-metrics";
    /** Seconds a {@link #stop} may take when {@link Main} stops on a signal. */
    public static final String STOP_TIMEOUT = "magnetar.stop.timeout";
    /**
     * Seconds between the start of a drain (readiness turns 503) and the framework's stop, so a load
     * balancer stops sending before the endpoints close. Default 0.
     */
    public static final String DRAIN_DELAY = "magnetar.stop.drainDelay";
    /** The home folder, also visible to bundles as a framework property. */
    public static final String HOME = "magnetar.home";

    private static final System.Logger LOG = System.getLogger(Launcher.class.getName());

    private final Path home;
    private final Framework framework;
    private final Map<String, String> properties;
    private final List<String> problems;

    private Launcher(Path home, Framework framework, Map<String, String> properties, List<String> problems) {
        this.home = home;
        this.framework = framework;
        this.properties = properties;
        this.problems = List.copyOf(problems);
    }

    /**
     * Starts the framework from {@code home} and installs and starts the features' bundles.
     *
     * @param overrides settings that win over {@code etc/config.properties} and the defaults
     * @throws LaunchException if a boot bundle cannot be found, installed or started; the framework
     *                         is stopped again before this is thrown
     */
    public static Launcher start(Path home, Map<String, String> overrides) throws LaunchException {
        return start(home, overrides, framework -> {});
    }

    /** Like {@link #start(Path, Map)}; {@code created} gets the framework as soon as it exists, before it starts. */
    static Launcher start(Path home, Map<String, String> overrides, Consumer<Framework> created)
            throws LaunchException {
        Path root = home.toAbsolutePath().normalize();
        Map<String, String> properties = properties(root, overrides);
        FeatureRepository repository = features(root);
        FeatureRepository.Resolution boot = resolve(repository, properties.get(BOOT_FEATURES), true);
        FeatureRepository.Resolution optional = resolve(repository, properties.get(FEATURES), false);

        FirstEndpoints endpoints = FirstEndpoints.read(root.resolve("etc"));

        Framework framework =
                Frameworks.factory(properties.get(Frameworks.FRAMEWORK)).newFramework(properties);
        created.accept(framework);
        try {
            framework.start();
            BundleContext context = framework.getBundleContext();
            Path bundles = root.resolve("bundle");
            List<String> problems = new ArrayList<>();
            Set<String> booted = boot.bundles().stream()
                    .map(FeatureRepository.BundleRef::location)
                    .collect(Collectors.toSet());
            List<Bundle> last = new ArrayList<>();
            List<Bundle> runtime = BundleInstaller.install(context, bundles, boot.bundles(), true, problems);
            BundleInstaller.start(startedLast(runtime, last), true, problems);
            // Before the features start: an endpoint that waits for a service can name the feature at once.
            new FeatureCommands(repository, context, bundles).register();
            context.addBundleListener(
                    new DeployLog(root.resolve("deploy"), context.getBundle(0).adapt(FrameworkWiring.class)));
            startFeatures(
                    context,
                    bundles,
                    repository,
                    names(properties.get(FEATURES)),
                    optional,
                    booted,
                    endpoints,
                    problems);
            BundleInstaller.start(last, true, problems);
            return new Launcher(root, framework, properties, problems);
        } catch (LaunchException | BundleException | RuntimeException e) {
            stopAfterFailure(framework);
            throw e instanceof LaunchException le ? le : new LaunchException("framework failed to start: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopAfterFailure(framework);
            throw new LaunchException("interrupted while starting", e);
        }
    }

    /**
     * Installs the optional features' bundles, starts those the endpoint files need, waits (at most
     * {@value #FIRST_ENDPOINTS_WAIT_MS} ms) until those endpoints serve, then starts the others.
     */
    private static void startFeatures(
            BundleContext context,
            Path bundles,
            FeatureRepository repository,
            List<String> configured,
            FeatureRepository.Resolution optional,
            Set<String> booted,
            FirstEndpoints endpoints,
            List<String> problems)
            throws LaunchException, InterruptedException {
        List<FeatureRepository.BundleRef> refs = optional.bundles().stream()
                .filter(b -> !booted.contains(b.location()))
                .toList();
        Set<String> firstFeatures = endpoints.features(repository, configured, ASSEMBLY);
        Set<String> first = repository.resolve(firstFeatures).bundles().stream()
                .map(FeatureRepository.BundleRef::location)
                .collect(Collectors.toSet());
        // All installed before any starts, so that start order never decides whether a bundle resolves.
        List<Bundle> now = BundleInstaller.install(
                context,
                bundles,
                refs.stream().filter(r -> first.contains(r.location())).toList(),
                false,
                problems);
        List<Bundle> after = BundleInstaller.install(
                context,
                bundles,
                refs.stream().filter(r -> !first.contains(r.location())).toList(),
                false,
                problems);
        if (now.isEmpty() || after.isEmpty()) {
            BundleInstaller.start(now, false, problems);
            BundleInstaller.start(after, false, problems);
            return;
        }
        endpoints.watch(context);
        try {
            BundleInstaller.start(now, false, problems);
            int servable = endpoints.servable(repository, configured);
            if (!endpoints.await(servable, FIRST_ENDPOINTS_WAIT_MS)) {
                LOG.log(
                        Level.DEBUG,
                        "not all of {0} endpoints serve after {1} ms; starting the rest of the features",
                        servable,
                        FIRST_ENDPOINTS_WAIT_MS);
            }
        } finally {
            endpoints.stopWatching(context);
        }
        BundleInstaller.start(after, false, problems);
    }

    /** The bundles to start now; those {@link #STARTED_LAST} names go to {@code last}. */
    private static List<Bundle> startedLast(List<Bundle> bundles, List<Bundle> last) {
        List<Bundle> now = new ArrayList<>();
        for (Bundle bundle : bundles) {
            String name = bundle.getSymbolicName();
            if (name != null && STARTED_LAST.stream().anyMatch(name::startsWith)) {
                last.add(bundle);
            } else {
                now.add(bundle);
            }
        }
        return now;
    }

    /** The running framework; its bundle context reaches everything installed. */
    public Framework framework() {
        return framework;
    }

    /** The home folder, absolute. */
    public Path home() {
        return home;
    }

    /** What did not install or start among the optional features' bundles, one line each. */
    public List<String> problems() {
        return problems;
    }

    /** How long a stop on a signal may take, from {@value #STOP_TIMEOUT}. */
    public Duration stopTimeout() {
        try {
            return Duration.ofSeconds(
                    Long.parseLong(properties.get(STOP_TIMEOUT).trim()));
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "{0} is not a number of seconds; using 10", STOP_TIMEOUT);
            return Duration.ofSeconds(10);
        }
    }

    /**
     * Stops the framework and waits for it, at most {@code timeout}.
     *
     * @return whether the framework stopped in time
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        Drain.markDraining(framework, properties.getOrDefault(DRAIN_DELAY, "0"));
        Drain.closeEndpointsFirst(framework);
        try {
            framework.stop(); // no-op if already stopped
        } catch (BundleException e) {
            LOG.log(Level.ERROR, "framework refused to stop", e);
            return false;
        }
        // waitForStop(0) would wait forever.
        long millis = Math.max(1, timeout.toMillis());
        return framework.waitForStop(millis).getType() != FrameworkEvent.WAIT_TIMEDOUT;
    }

    /** Defaults, then {@code etc/config.properties}, then {@code overrides}. */
    static Map<String, String> properties(Path home, Map<String, String> overrides) throws LaunchException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(HOME, home.toString());
        p.put(FEATURES, DEFAULT_FEATURES);
        p.put(BOOT_FEATURES, "magnetar-runtime");
        p.put(STOP_TIMEOUT, "10");
        p.put(Constants.FRAMEWORK_STORAGE, home.resolve("data").resolve("cache").toString());
        // Every start installs from bundle/ and deploy/ afresh: a kept cache would bring back
        // bundles deleted from deploy/ while Magnetar was down.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // Conscrypt's bundle (feature magnetar-tls-conscrypt) imports this JDK-internal package.
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.security.x509");
        // More resolver threads linger after stop and delay JVM exit (STACK.md).
        p.put("felix.resolver.parallelism", "1");
        p.put("felix.fileinstall.dir", home.resolve("etc") + "," + home.resolve("deploy"));
        // etc/ also holds config.properties and features.xml, which are not for File Install.
        p.put("felix.fileinstall.filter", ".*\\.(cfg|config|jar)");
        // Inside home rather than java.io.tmpdir, where File Install would leave two folders per run.
        p.put(
                "felix.fileinstall.tmpdir",
                home.resolve("data").resolve("fileinstall").toString());
        p.put("felix.fileinstall.poll", "100");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.enableConfigSave", "false");
        // An interactive shell reads stdin, which may belong to someone else (a test runner), and
        // on end of input it stops the framework. Main turns it on when there is a terminal.
        p.put("gosh.args", "--nointeractive");
        p.put("gosh.home", home.toString());

        Path config = home.resolve("etc").resolve("config.properties");
        if (Files.isRegularFile(config)) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(config)) {
                file.load(in);
            } catch (IOException e) {
                throw new LaunchException("cannot read " + config + ": " + e.getMessage(), e);
            }
            file.stringPropertyNames().forEach(k -> p.put(k, file.getProperty(k).trim()));
        }
        p.putAll(overrides);
        return p;
    }

    private static FeatureRepository features(Path home) throws LaunchException {
        Path xml = home.resolve("etc").resolve("features.xml");
        try {
            return FeatureRepository.read(xml);
        } catch (IOException e) {
            throw new LaunchException("cannot read features from " + xml + ": " + e.getMessage(), e);
        }
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static FeatureRepository.Resolution resolve(FeatureRepository repository, String names, boolean required)
            throws LaunchException {
        List<String> requested = names(names);
        List<String> unknown =
                requested.stream().filter(f -> !repository.defines(f)).toList();
        if (!unknown.isEmpty()) {
            if (required) {
                throw new LaunchException("boot features not in features.xml: " + unknown);
            }
            LOG.log(Level.WARNING, "features not in features.xml, skipped: {0}", unknown);
        }
        FeatureRepository.Resolution resolution = repository.resolve(requested);
        List<String> included = resolution.undefined().stream()
                .filter(f -> !requested.contains(f))
                .sorted()
                .toList();
        if (!included.isEmpty()) {
            // Such as Karaf's own scr feature: magnetar-runtime lists the bundles it stands for.
            LOG.log(Level.DEBUG, "included features left to Karaf: {0}", included);
        }
        return resolution;
    }

    /**
     * Bundles that serve people rather than endpoints (the Gogo shell and its commands, Metatype, the Log
     * Service's reader): started after every feature, so that the first endpoint does not wait for them.
     */
    private static final List<String> STARTED_LAST =
            List.of("org.apache.felix.gogo.", "org.apache.felix.metatype", "org.apache.felix.log");

    /** The feature that serves endpoint files; started with the first endpoints' features. */
    private static final String ASSEMBLY = "magnetar-assembly";

    /** How long the features no endpoint file needs wait for the endpoints that do, at most. */
    static final long FIRST_ENDPOINTS_WAIT_MS = 1000;

    private static void stopAfterFailure(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.WARNING, "framework did not stop cleanly after the failed start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
