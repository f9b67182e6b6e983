package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.loop.SelectorEventLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that sends a lot and does not read what the server writes back. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowReaderIT {

    private static final int MESSAGE = 64 * 1024 - 4;
    private static final long TOTAL = 100L << 20; // 100 MiB of echo through one connection
    private static final int MESSAGES = (int) (TOTAL / (MESSAGE + 4));

    @Test
    void serverWriting100MiBToAClientThatDoesNotReadPausesKeepsItsBufferBoundedServesOthersAndLosesNothing()
            throws Exception {
        try (EchoService echo = new EchoService("slow-reader");
                Socket hog = Clients.connect(echo.port())) {
            byte[] message = new byte[MESSAGE];
            new Random(7).nextBytes(message);
            for (int i = 0; i < message.length; i++) {
                if (message[i] == '\r') {
                    message[i] = 'r'; // no accidental separator inside a message
                }
            }
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = hog.getOutputStream();
                    for (int i = 0; i < MESSAGES; i++) {
                        out.write(message);
                        out.write(Clients.SEPARATOR);
                        sent.update(message);
                        sent.update(Clients.SEPARATOR);
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });

            // The client reads nothing: the server must hit its high-water mark and pause.
            Bounded.until("the server to pause writing", () -> echo.stats.pauses.get() > 0);
            // Meanwhile the same loop serves others.
            for (int i = 0; i < 20; i++) {
                assertThat(Clients.echo(echo.port(), "other " + i)).isEqualTo("other " + i);
            }
            assertThat(writer).isNotDone(); // the hog is stuck: backpressure reached the client

            // Now read everything: the 100 MiB come back complete and in order.
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            InputStream in = hog.getInputStream();
            byte[] buf = new byte[256 * 1024];
            long got = 0;
            long expected = (long) MESSAGES * (MESSAGE + 4);
            while (got < expected) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, expected - got));
                assertThat(n)
                        .as("echo ended early after %d of %d bytes", got, expected)
                        .isPositive();
                received.update(buf, 0, n);
                got += n;
            }
            Bounded.await(writer);
            assertThat(received.digest()).isEqualTo(sent.digest());

            long max = echo.stats.maxWriteBuffer.get();
            int high = echo.stats.highWater.get();
            System.out.printf(
                    "slow reader: %d MiB echoed to a client that did not read at first; server paused %d"
                            + " times; largest write buffer %d bytes (high-water mark %d, one read %d)%n",
                    got >> 20, echo.stats.pauses.get(), max, high, SelectorEventLoop.READ_BUFFER_SIZE);
            // One read may hold several messages, all echoed before the pause takes effect.
            assertThat(max).isLessThanOrEqualTo((long) high + SelectorEventLoop.READ_BUFFER_SIZE + 64);
        }
    }
}
