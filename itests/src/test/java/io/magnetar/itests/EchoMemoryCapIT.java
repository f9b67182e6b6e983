package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo protocol on a small heap: {@code bin/magnetar} with {@code -Xmx256m} and 24 clients each sending
 * a 16 MB message at once (the echo's own limit is 16 MiB a message, so 24 of them would need 384 MiB of
 * buffers). The codecs' process-wide budget for frames split across reads (a quarter of the heap) refuses the
 * connections past it: every client is either echoed whole or closed, no {@code OutOfMemoryError} happens,
 * and the endpoint still serves.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EchoMemoryCapIT {

    private static final int CLIENTS = 24;
    private static final int MESSAGE = 16_000_000;

    @TempDir
    Path tmp;

    @Test
    void bigMessagesOnASmallHeapAreEchoedOrRefusedAndNeverRunTheHeapOut() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        int port = Sockets.freePort();
        Magnetar.setEchoPort(home, port);
        Path out = tmp.resolve("out.txt");
        try (LauncherProcess p =
                LauncherProcess.start(List.of("bash", "-c", "JAVA_OPTS=-Xmx256m exec bin/magnetar"), home, out)) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("echo serving", () -> Sockets.echoes(port));
            byte[] message = new byte[MESSAGE + 4];
            Arrays.fill(message, (byte) 'x');
            message[MESSAGE] = '\r';
            message[MESSAGE + 1] = '\n';
            message[MESSAGE + 2] = '\r';
            message[MESSAGE + 3] = '\n';
            List<CompletableFuture<String>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(CompletableFuture.supplyAsync(() -> echo(port, message)));
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            for (CompletableFuture<String> c : clients) {
                outcomes.merge(c.get(150, TimeUnit.SECONDS), 1, Integer::sum);
            }
            System.out.println("24 x 16 MB echo messages on -Xmx256m: " + outcomes);
            assertThat(Files.readString(out)).doesNotContain("OutOfMemoryError");
            assertThat(outcomes).containsKey("echoed");
            assertThat(outcomes.keySet()).isSubsetOf("echoed", "closed");
            assertThat(Sockets.echoes(port)).isTrue();
            assertThat(p.stop()).isZero();
        }
    }

    private static String echo(int port, byte[] message) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                byte[] b = new byte[message.length];
                try {
                    new DataInputStream(s.getInputStream()).readFully(b);
                    return b;
                } catch (IOException e) {
                    return null;
                }
            });
            try {
                OutputStream o = s.getOutputStream();
                o.write(message);
                o.flush();
            } catch (IOException refused) {
                // closed while sending: the answer is below
            }
            byte[] b = back.get(120, TimeUnit.SECONDS);
            return b != null && Arrays.equals(b, message) ? "echoed" : "closed";
        } catch (Exception e) {
            return "closed";
        }
    }
}
