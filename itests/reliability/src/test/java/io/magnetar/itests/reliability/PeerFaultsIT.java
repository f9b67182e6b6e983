package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.echo.EchoServerConsumer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peers that reset, half-close or fall silent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerFaultsIT {

    private static final int BIG = 1 << 20;

    @Test
    void peerResettingMidWriteEndsOnlyThatConnectionWithOneConnectionLostAndTheServerServesOn() throws Exception {
        try (EchoService echo = new EchoService("reset")) {
            Random random = new Random(11);
            byte[] message = bigMessage(random);
            int resets = 50;
            for (int i = 0; i < resets; i++) {
                try (Socket s = Clients.connect(echo.port())) {
                    // The echo is 1 MiB: the server is still writing it when the reset arrives.
                    CompletableFuture<Void> send = CompletableFuture.runAsync(() -> write(s, message));
                    new DataInputStream(s.getInputStream()).readFully(new byte[random.nextInt(64 * 1024)]);
                    s.setSoLinger(true, 0);
                    s.close();
                    send.handle((v, e) -> null).get(Bounded.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            }
            Bounded.until("every reset connection lost on the server", () -> echo.stats.lost.get() == resets);
            long resetCauses = echo.stats.causes.stream()
                    .filter(c -> c instanceof IOException)
                    .count();
            System.out.printf(
                    "reset mid-write: %d connections reset, %d connectionLost (%d with an IOException"
                            + " cause), 0 twice%n",
                    resets, echo.stats.lost.get(), resetCauses);
            assertThat(echo.stats.lostTwice.get()).isZero();
            assertThat(echo.stats.causes).allMatch(c -> c instanceof IOException);
            assertThat(Clients.echo(echo.port(), "after resets")).isEqualTo("after resets");
        }
    }

    @Test
    void peerThatHalfClosesGetsItsWholeEchoBeforeTheServerCloses() throws Exception {
        try (EchoService echo = new EchoService("half-close");
                Socket s = Clients.connect(echo.port())) {
            byte[] message = bigMessage(new Random(3));
            byte[] framed = Arrays.copyOf(message, message.length + 4);
            System.arraycopy(Clients.SEPARATOR, 0, framed, message.length, 4);
            CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
                write(s, message);
                try {
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Clients.Ending end = Clients.readToEnd(s);
            Bounded.await(send);
            System.out.printf(
                    "half-close: %d bytes echoed after the peer's FIN, then a clean close%n", end.bytes().length);
            assertThat(end.reset()).isFalse();
            assertThat(end.bytes()).isEqualTo(framed);
            Bounded.until("connection lost on the server", () -> echo.stats.lost.get() == 1);
            assertThat(echo.stats.causes).isEmpty();
        }
    }

    @Test
    void silentPeersIdleOrMidMessageAreClosedByKeepAlive() throws Exception {
        // A peer that vanished without FIN or RST looks, from the server, exactly like one that says nothing.
        try (EchoService echo = new EchoService(
                        "silent", 1, EchoServerConsumer::newConnection, b -> b.keepAlive(Duration.ofMillis(300)));
                Socket idle = Clients.connect(echo.port());
                Socket midMessage = Clients.connect(echo.port())) {
            midMessage.getOutputStream().write("no separator ever comes".getBytes());
            assertThat(Clients.readToEnd(idle).bytes()).isEmpty();
            assertThat(Clients.readToEnd(midMessage).bytes()).isEmpty();
            Bounded.until("both connections lost on the server", () -> echo.stats.lost.get() == 2);
            assertThat(echo.server.connections()).isZero();
            System.out.println("silent peers: 2 of 2 closed by a 300 ms keep-alive");
        }
    }

    private static byte[] bigMessage(Random random) {
        byte[] message = new byte[BIG];
        random.nextBytes(message);
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r') {
                message[i] = 'r';
            }
        }
        return message;
    }

    private static void write(Socket s, byte[] bytes) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.write(Clients.SEPARATOR);
        } catch (IOException e) {
            // the test reset this socket while we were writing: expected
        }
    }
}
