package io.magnetar.assembly.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Limits an endpoint gets when its file says nothing: enough connections that nobody notices, few
 * enough that clients alone cannot take every file descriptor of the process (shared by every endpoint,
 * the bundles' jars and the log), which would leave even the other endpoints unable to accept.
 *
 * <p>Thread-safe (stateless).
 */
final class SafeDefaults {

    static final int MAX_CONNECTIONS_CAP = 10_000;
    static final int MIN_BACKLOG = 1024;

    private SafeDefaults() {}

    /** Three quarters of the descriptor limit, at least 64, at most {@value #MAX_CONNECTIONS_CAP}. */
    static int maxConnections() {
        long limit = descriptorLimit();
        return (int) Math.max(64, Math.min(MAX_CONNECTIONS_CAP, limit * 3 / 4));
    }

    /**
     * The process's open-file limit: from {@code /proc/self/limits} on Linux (what the JVM set at start), else
     * through JMX, whose first use starts the platform MBean server (about 45 ms, on the first endpoint's path).
     */
    private static long descriptorLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] words =
                            line.substring("Max open files".length()).trim().split("\\s+");
                    return words[0].equals("unlimited") ? MAX_CONNECTIONS_CAP * 2L : Long.parseLong(words[0]);
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through to JMX
        }
        try {
            // Through JMX: the com.sun.management interface is not visible to a bundle.
            Object max = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "MaxFileDescriptorCount");
            return max instanceof Number n ? n.longValue() : MAX_CONNECTIONS_CAP;
        } catch (JMException | RuntimeException e) {
            return MAX_CONNECTIONS_CAP; // not a Unix JVM
        }
    }

    /**
     * The kernel's accept queue cap ({@code net.core.somaxconn}, 4096 on current Linux), at least {@value
     * #MIN_BACKLOG}: as Netty does, so that a burst of connections waits in the queue rather than being refused
     * (the JDK's own default is 50). The kernel silently caps a larger value at somaxconn anyway.
     */
    static int backlog() {
        try {
            String v = Files.readString(Path.of("/proc/sys/net/core/somaxconn")).trim();
            return Math.max(MIN_BACKLOG, Integer.parseInt(v));
        } catch (IOException | RuntimeException notLinux) {
            return MIN_BACKLOG;
        }
    }
}
