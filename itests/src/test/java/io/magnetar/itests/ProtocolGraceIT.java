package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * The grace an endpoint gives a protocol that left ({@code protocolGrace}) counts from the departure it is
 * for. An update (the protocol leaves, a replacement arrives) followed later by a delete must keep the
 * port bound for the whole grace after the delete; the timer of the update's departure once stopped the
 * endpoint early, resetting the clients that waited in the backlog.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtocolGraceIT {

    private static final Duration GRACE = Duration.ofSeconds(4);

    @TempDir
    Path tmp;

    @Test
    void theGraceAfterAnUpdateThenADepartureCountsFromTheDeparture() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-graced.cfg",
                    "transport = tcp\nprotocol = echo\nhost = 127.0.0.1\nport = 0\nprotocolGrace = " + GRACE.toSeconds()
                            + "\n");
            int port = m.awaitServing("graced");
            Bundle echo = m.bundle("magnetar-protocol-echo");

            long update = System.nanoTime();
            echo.stop(); // the update's departure: its grace timer would fire at update + GRACE
            echo.start();
            await("echo served again", () -> state(m).contains("SERVING"));
            // The scenario needs time to pass, not an event: the delete comes half a grace after the update.
            waitUntil(update + GRACE.toNanos() / 2);
            echo.stop(); // the delete: the port must stay bound until about update + 1.5 GRACE

            waitUntil(update + GRACE.toNanos() * 5 / 4);
            assertThat(accepts(port))
                    .as("port still bound a quarter grace after the update's timer would have fired")
                    .isTrue();
            await(
                    "the endpoint stops once the delete's grace has passed",
                    Duration.ofSeconds(20),
                    () -> !accepts(port));
            assertThat(System.nanoTime() - update).isGreaterThanOrEqualTo(GRACE.toNanos() * 3 / 2);
        }
    }

    private static String state(Magnetar m) {
        try {
            return m.shell("info", "graced");
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true; // completed by the kernel: the port is bound, clients wait in the backlog
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    private static void waitUntil(long nanoTime) {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }
}
