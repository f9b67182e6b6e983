package io.magnetar.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Command line entry, {@code magnetar [home]}: starts a {@link Launcher}, prints a banner, and runs
 * until the framework stops (the shell's {@code stop 0}, end of console input) or the JVM is asked
 * to stop (SIGTERM, Ctrl-C). Exits 0 after a clean stop, 1 if start-up failed or the stop timed out,
 * 2 on bad arguments. Runs on the main thread; a signal's stop runs on the shutdown-hook thread.
 */
public final class Main {

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";
    private static final String[] OVERRIDABLE = {
        "magnetar.", "felix.", "gosh.", "org.osgi.framework.", "osgi.", "equinox.", "eclipse."
    };

    /** Set before main's own System.exit: the hook then leaves the exit status alone. */
    private static volatile boolean exiting;

    private Main() {}

    /** Runs Magnetar; see the class comment for the exit status. */
    public static void main(String[] args) {
        // One line per record instead of java.util.logging's two; set before the first logger.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%1$tT %4$s %5$s%6$s%n");
        }
        int status = run(args);
        exiting = true;
        System.exit(status);
    }

    private static int run(String[] args) {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("usage: magnetar [home]   (or -Dmagnetar.home=<home>)");
            return 2;
        }
        long begin = System.nanoTime();
        Path home = home(args);
        LogFiles.configure(home);
        System.Logger log = System.getLogger(Main.class.getName());
        HeldConsoleLog console = HeldConsoleLog.install();
        // Before the start: a SIGTERM while bundles still start (an endpoint may serve already) stops
        // what runs cleanly and exits 0, instead of the JVM's 143.
        AtomicReference<Framework> created = new AtomicReference<>();
        AtomicReference<Launcher> started = new AtomicReference<>();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            console.release();
                            if (!exiting) {
                                stopAndHalt(started.get(), created.get(), log);
                            }
                        },
                        "magnetar-shutdown"));
        Launcher launcher;
        try {
            launcher = Launcher.start(home, overrides(), created::set);
            started.set(launcher);
        } catch (LaunchException e) {
            console.release();
            // The message names what failed and where; the stack trace is for debugging only.
            log.log(Level.ERROR, "Magnetar did not start: " + e.getMessage());
            log.log(Level.DEBUG, "start-up failure", e);
            return 1;
        } catch (RuntimeException | Error e) {
            console.release();
            throw e;
        }
        printBanner(launcher, (System.nanoTime() - begin) / 1_000_000, System.out);
        console.release();
        try {
            launcher.framework().waitForStop(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The framework stopped by itself: System.exit runs the hook, which finds it stopped.
        return 0;
    }

    /** The shutdown hook: a clean stop exits 0, a stop that times out exits 1. */
    private static void stopAndHalt(Launcher launcher, Framework starting, System.Logger log) {
        boolean stopped = false;
        Duration timeout = launcher != null ? launcher.stopTimeout() : Duration.ofSeconds(10);
        try {
            if (launcher != null) {
                stopped = launcher.stop(timeout);
            } else if (starting != null) {
                starting.stop(); // still starting: Launcher.start fails on the stopping framework, and returns
                stopped = starting.waitForStop(timeout.toMillis()).getType() != FrameworkEvent.WAIT_TIMEDOUT;
            } else {
                stopped = true; // nothing runs yet
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BundleException e) {
            log.log(Level.ERROR, "framework refused to stop: " + e.getMessage());
        }
        if (stopped) {
            System.out.println("Magnetar stopped.");
        } else {
            log.log(Level.ERROR, "framework did not stop within {0}; exiting anyway", timeout);
        }
        System.out.flush();
        System.err.flush();
        // After SIGTERM or Ctrl-C the JVM would exit 143 or 130 even when the stop was clean; a
        // service manager must see 0 for a clean stop. halt is allowed in a hook; exit is not.
        Runtime.getRuntime().halt(stopped ? 0 : 1);
    }

    /** First argument, else -Dmagnetar.home, else the folder above lib/ holding this jar, else the working directory. */
    private static Path home(String[] args) {
        return Boot.home(args, Boot.ownJar());
    }

    /** -D settings for the launcher, Felix, File Install and the shell win over etc/config.properties. */
    private static Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (System.console() != null && inForeground(procSelfStat())) {
            overrides.put("gosh.args", ""); // a terminal: interactive shell; end of input stops Magnetar
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            for (String prefix : OVERRIDABLE) {
                if (key.startsWith(prefix) && !key.equals(Launcher.HOME)) {
                    overrides.put(key, System.getProperty(key));
                }
            }
        }
        return overrides;
    }

    /** Linux's {@code /proc/self/stat}, or null elsewhere. */
    private static String procSelfStat() {
        try {
            return Files.readString(Path.of("/proc/self/stat"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether this process is in its terminal's foreground process group (its group is the terminal's),
     * from a {@code /proc/<pid>/stat} line; true when that cannot be told. A console read from the
     * background ({@code bin/magnetar &}) gets SIGTTIN and stops the whole JVM, serving nothing, so there
     * Magnetar runs without its shell.
     */
    static boolean inForeground(String stat) {
        if (stat == null || stat.lastIndexOf(')') < 0) {
            return true;
        }
        // After "pid (comm) ": state ppid pgrp session tty_nr tpgid ...; comm may hold spaces and parentheses.
        String[] f = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
        return f.length < 6 || f[2].equals(f[5]);
    }

    private static void printBanner(Launcher launcher, long millis, PrintStream out) {
        Framework framework = launcher.framework();
        String version = Main.class.getPackage().getImplementationVersion();
        out.printf(
                "Magnetar %s on %s %s, home %s%n",
                version == null ? "(dev)" : version,
                framework.getSymbolicName(),
                framework.getVersion(),
                launcher.home());
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if (bundle.getBundleId() != 0) {
                out.printf(
                        "  %3d %-9s %s %s%n",
                        bundle.getBundleId(), state(bundle.getState()), bundle.getSymbolicName(), bundle.getVersion());
            }
        }
        launcher.problems().forEach(p -> out.println("  ! " + p));
        out.printf("Started in %d ms. Ctrl-C or SIGTERM stops.%n", millis);
        out.flush();
    }

    /** The name of a bundle's state, as the banner and the deploy log print it. */
    static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
