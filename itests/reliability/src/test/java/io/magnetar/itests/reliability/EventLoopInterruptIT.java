package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Somebody interrupts an event loop thread (a stray {@code Thread.interrupt()}, a container shutting down a pool). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopInterruptIT {

    @Test
    void interruptedEventLoopThreadKeepsServingAndClearsTheInterruptInsteadOfSpinning() throws Exception {
        try (EchoService echo = new EchoService("interrupted")) {
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("interrupted-0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Clients.echo(echo.port(), "before")).isEqualTo("before");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();

            for (int round = 0; round < 20; round++) {
                loop.interrupt();
                // A selector whose thread is interrupted returns at once from every select: a loop that
                // keeps the flag set spins for ever. The loop must consume it.
                Bounded.until("the loop to clear its interrupt", () -> !loop.isInterrupted());
                assertThat(loop.isAlive()).isTrue();
                assertThat(Clients.echo(echo.port(), "after " + round)).isEqualTo("after " + round);
            }
            long cpuBefore = threads.getThreadCpuTime(loop.getId());
            long wallBefore = System.nanoTime();
            Bounded.until("half a second of idle", () -> System.nanoTime() - wallBefore > 500_000_000L);
            long cpu = threads.getThreadCpuTime(loop.getId()) - cpuBefore;
            System.out.printf(
                    "interrupted loop: alive after 20 interrupts, idle CPU %.1f ms over %.0f ms%n",
                    cpu / 1e6, (System.nanoTime() - wallBefore) / 1e6);
            assertThat(echo.loop(0).isClosed()).isFalse();
        }
    }
}
