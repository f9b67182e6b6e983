package io.magnetar.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.junit.jupiter.api.Test;

class SafeDefaultsTest {

    @Test
    void maxConnectionsIsThreeQuartersOfTheDescriptorLimitTheJvmReports() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        assumeTrue(os instanceof UnixOperatingSystemMXBean, "a Unix JVM");
        long limit = ((UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
        long expected = Math.max(64, Math.min(SafeDefaults.MAX_CONNECTIONS_CAP, limit * 3 / 4));
        assertEquals(expected, SafeDefaults.maxConnections());
    }
}
