package io.magnetar.launcher;

import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * The endpoints {@code etc/} configures, read before the framework starts so the launcher can start the
 * features they need first and everything else after they serve: the first request does not wait for the
 * shell, the metrics or a protocol no endpoint file names. Reads only {@code transport} and
 * {@code protocol}; the assembly bundle validates the rest, as it always does.
 *
 * <p>Thread-safe: the served endpoints are counted by the framework's event thread and awaited by the
 * launcher's.
 */
final class FirstEndpoints implements ServiceListener {

    private static final System.Logger LOG = System.getLogger(FirstEndpoints.class.getName());
    /** The factory PID of endpoint configurations; File Install maps {@code <pid>-<name>.cfg} to it. */
    static final String FACTORY_PID = "io.magnetar.endpoint";
    /** The property the assembly's {@code Server} services carry: the endpoint's name. */
    static final String SERVED = "magnetar.endpoint";
    /** A {@code .config} file's {@code key = "value"} line (Felix's typed format; only strings matter here). */
    private static final Pattern CONFIG_LINE = Pattern.compile("^\\s*(transport|protocol)\\s*=\\s*\"([^\"]*)\"");

    /** One endpoint file's transport and protocol, as {@code transport:tcp} and {@code protocol:echo}. */
    record Endpoint(Path file, String transport, String protocol) {}

    private final List<Endpoint> endpoints;
    private final Set<Object> served = new HashSet<>();

    private FirstEndpoints(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /** The endpoint files in {@code etc}; none if it cannot be read (File Install will say why). */
    static FirstEndpoints read(Path etc) {
        List<Endpoint> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(etc, FACTORY_PID + "-*.{cfg,config}")) {
            for (Path file : files) {
                endpoint(file).ifPresent(found::add);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot list endpoint files in " + etc + ": " + e);
        }
        return new FirstEndpoints(found);
    }

    private static Optional<Endpoint> endpoint(Path file) {
        String transport = "tcp";
        String protocol = null;
        try {
            if (file.toString().endsWith(".cfg")) {
                Properties p = new Properties();
                try (Reader in = Files.newBufferedReader(file)) {
                    p.load(in);
                }
                transport = p.getProperty("transport", transport).trim();
                protocol = p.getProperty("protocol");
            } else {
                for (String line : Files.readAllLines(file)) {
                    Matcher m = CONFIG_LINE.matcher(line);
                    if (m.find()) {
                        if (m.group(1).equals("transport")) {
                            transport = m.group(2).trim();
                        } else {
                            protocol = m.group(2);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // File Install and the assembly report a bad file
        }
        return protocol == null ? Optional.empty() : Optional.of(new Endpoint(file, transport, protocol.trim()));
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * The features among {@code configured} that bring the endpoints' transports and protocols, with
     * {@code assembly} (which serves endpoint files); empty when no endpoint file names one of them.
     */
    Set<String> features(FeatureRepository repository, List<String> configured, String assembly) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String[] pair : servedBy(repository, configured)) {
            wanted.add(pair[0]);
            wanted.add(pair[1]);
        }
        if (!wanted.isEmpty() && configured.contains(assembly)) {
            wanted.add(assembly);
        }
        return wanted;
    }

    /** How many endpoints {@link #features} can serve: those whose transport and protocol a feature brings. */
    int servable(FeatureRepository repository, List<String> configured) {
        return servedBy(repository, configured).size();
    }

    /** Per endpoint that a configured feature can serve: the features bringing its transport and its protocol. */
    private List<String[]> servedBy(FeatureRepository repository, List<String> configured) {
        List<String[]> pairs = new ArrayList<>();
        for (Endpoint e : endpoints) {
            String transport = providing(repository, configured, "transport:" + e.transport());
            String protocol = providing(repository, configured, "protocol:" + e.protocol());
            if (transport != null && protocol != null) {
                pairs.add(new String[] {transport, protocol});
            }
        }
        return pairs;
    }

    private static String providing(FeatureRepository repository, List<String> configured, String service) {
        for (String feature : configured) {
            if (repository.provides(feature).contains(service)) {
                return feature;
            }
        }
        return null;
    }

    /** Counts served endpoints from now on (and those served already). */
    void watch(BundleContext context) {
        String filter = "(" + SERVED + "=*)";
        try {
            context.addServiceListener(this, filter);
            ServiceReference<?>[] already = context.getServiceReferences((String) null, filter);
            if (already != null) {
                for (ServiceReference<?> ref : already) {
                    serviceChanged(new ServiceEvent(ServiceEvent.REGISTERED, ref));
                }
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public synchronized void serviceChanged(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED) {
            served.add(event.getServiceReference().getProperty(SERVED));
            notifyAll();
        }
    }

    /** Waits until {@code count} endpoints serve or {@code timeoutMs} pass; whether they all serve. */
    synchronized boolean await(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (served.size() < count) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    void stopWatching(BundleContext context) {
        try {
            context.removeServiceListener(this);
        } catch (IllegalStateException stopped) {
            // the framework stopped meanwhile: nothing to remove
        }
    }
}
