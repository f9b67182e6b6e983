package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connections that come and go, ended every way a peer can end them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectCloseCyclesIT {

    private static final int CYCLES = 10_000;

    @Test
    void tenThousandConnectCloseCyclesLeaveNoFileDescriptorSelectorKeyOrThreadBehind() throws Exception {
        try (EchoService echo =
                new EchoService("cycles", 2, io.magnetar.protocol.echo.EchoServerConsumer::newConnection, b -> {})) {
            int warmUp = 100;
            for (int i = 0; i < warmUp; i++) {
                cycle(echo.port(), i); // warm-up: classes loaded, buffers allocated
            }
            // All made, not just none open: a last warm-up connection still being handed to its loop
            // counts as neither, and would be in the "before" snapshot.
            Bounded.until(
                    "warm-up connections made and gone",
                    () -> echo.stats.made.get() == warmUp && echo.stats.open() == 0 && echo.server.connections() == 0);
            int fdsBefore = Clients.openFileDescriptors();
            int keysBefore = echo.registeredChannels();
            int threadsBefore = Thread.activeCount();
            long loopThreadsBefore = Clients.threadsNamed("cycles-");
            int madeBefore = echo.stats.made.get();

            for (int i = 0; i < CYCLES; i++) {
                cycle(echo.port(), i);
            }

            Bounded.until(
                    "every server connection lost",
                    () -> echo.stats.made.get() - madeBefore == CYCLES
                            && echo.stats.open() == 0
                            && echo.server.connections() == 0);
            Bounded.until("file descriptors back to " + fdsBefore, () -> fds() <= fdsBefore);
            int keysAfter = echo.registeredChannels();
            int fdsAfter = Clients.openFileDescriptors();
            System.out.printf(
                    "connect/close cycles: %d; fds %d -> %d; selector keys %d -> %d; threads %d -> %d;"
                            + " connectionLost %d for %d connectionMade%n",
                    CYCLES,
                    fdsBefore,
                    fdsAfter,
                    keysBefore,
                    keysAfter,
                    threadsBefore,
                    Thread.activeCount(),
                    echo.stats.lost.get(),
                    echo.stats.made.get());
            // No leak means no more than before: descriptors the JVM held before may close meanwhile.
            assertThat(fdsAfter).isLessThanOrEqualTo(fdsBefore);
            assertThat(keysAfter).isEqualTo(keysBefore);
            assertThat(Clients.threadsNamed("cycles-")).isEqualTo(loopThreadsBefore);
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
            assertThat(echo.stats.lostTwice.get()).isZero();
            assertThat(Clients.echo(echo.port(), "still serving")).isEqualTo("still serving");
        }
    }

    /** One connection, ended in one of four ways: FIN, FIN after an echo, RST, RST mid-message. */
    private static void cycle(int port, int i) throws Exception {
        try (Socket s = Clients.connect(port)) {
            switch (i % 4) {
                case 0 -> {}
                case 1 -> assertThat(Clients.echo(s, "cycle " + i)).isEqualTo("cycle " + i);
                case 2 -> s.setSoLinger(true, 0);
                default -> {
                    s.getOutputStream().write(("half a message " + i).getBytes());
                    s.setSoLinger(true, 0);
                }
            }
        }
    }

    private static int fds() {
        try {
            return Clients.openFileDescriptors();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
