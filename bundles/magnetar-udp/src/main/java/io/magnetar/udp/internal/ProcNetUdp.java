package io.magnetar.udp.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the kernel's per-socket UDP drop counter (the {@code drops} column of Linux's
 * {@code /proc/net/udp} and {@code /proc/net/udp6}): datagrams that arrived for the socket but did not
 * fit its receive buffer. Java offers no socket option for it. Matched by local port, so sockets
 * sharing a port through {@code SO_REUSEPORT} are summed.
 *
 * <p>Thread-safe; reads a small in-memory file, so keep it off hot paths.
 */
public final class ProcNetUdp {

    private static final Path UDP4 = Path.of("/proc/net/udp");
    private static final Path UDP6 = Path.of("/proc/net/udp6");

    private ProcNetUdp() {}

    /** Drops counted for sockets bound to {@code local}'s port, or -1 where the kernel does not say. */
    public static long drops(InetSocketAddress local) {
        if (local == null) {
            return -1;
        }
        Path table = local.getAddress() instanceof Inet6Address ? UDP6 : UDP4;
        if (!Files.isReadable(table)) {
            return -1;
        }
        try {
            return drops(Files.readAllLines(table), local.getPort());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sums the last column of the rows whose local address ends in {@code :<port in hex>}. */
    static long drops(List<String> lines, int port) {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        long total = -1;
        for (int i = 1; i < lines.size(); i++) {
            String[] cols = lines.get(i).trim().split("\\s+", -1);
            if (cols.length < 13 || !cols[1].endsWith(suffix)) {
                continue;
            }
            total = Math.max(total, 0) + Long.parseLong(cols[cols.length - 1]);
        }
        return total;
    }
}
