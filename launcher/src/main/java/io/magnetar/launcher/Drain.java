package io.magnetar.launcher;

import java.lang.System.Logger.Level;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;

/**
 * The first steps of a stop on a signal, before the framework stops: readiness turns 503, the drain delay
 * passes, and the endpoints drain and close while the operator's routes ({@code /health/ready}) still
 * answer. Runs on the stopping thread (the shutdown hook's), once per stop.
 */
final class Drain {

    private static final System.Logger LOG = System.getLogger(Drain.class.getName());
    /** The bundle whose stop closes every endpoint (its components drain their servers on deactivation). */
    private static final String ASSEMBLY = "magnetar-assembly";

    private Drain() {}

    /**
     * Registers the drain mark ({@code magnetar.draining=true}, a service of type {@code Object}, so
     * nothing of ours need be on the launcher's class path): {@code /health/ready} answers 503 from now
     * on. Then waits {@code delaySeconds} ({@value Launcher#DRAIN_DELAY}), if above 0.
     */
    static void markDraining(Framework framework, String delaySeconds) throws InterruptedException {
        try {
            framework
                    .getBundleContext()
                    .registerService(
                            Object.class,
                            new Object(),
                            FrameworkUtil.asDictionary(Map.of("magnetar.draining", Boolean.TRUE)));
        } catch (IllegalStateException notRunning) {
            return; // the framework stopped already
        }
        long delayMs;
        try {
            delayMs = (long) (Double.parseDouble(delaySeconds.trim()) * 1000);
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "{0} is not a number of seconds; using 0", Launcher.DRAIN_DELAY);
            delayMs = 0;
        }
        if (delayMs > 0) {
            LOG.log(Level.INFO, "draining: readiness is 503; stopping in {0} s", delayMs / 1000.0);
            Thread.sleep(delayMs); // the drain delay itself: the load balancer's time to notice
        }
    }

    /**
     * Stops the assembly (its endpoints drain and close) before the framework stops the rest. The framework
     * stops bundles in the reverse order of their start, and the metrics bundle starts after the endpoints:
     * without this, {@code /health/ready} left the routes (404) while the endpoints still held connections,
     * instead of answering 503 until they close.
     */
    static void closeEndpointsFirst(Framework framework) {
        try {
            for (Bundle b : framework.getBundleContext().getBundles()) {
                if (ASSEMBLY.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                    b.stop(Bundle.STOP_TRANSIENT);
                }
            }
        } catch (BundleException e) {
            LOG.log(Level.WARNING, "endpoints did not close before the framework stop: " + e.getMessage());
        } catch (IllegalStateException notRunning) {
            // the framework stopped already
        }
    }
}
