package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP on a small heap: {@code bin/magnetar} with {@code -Xmx256m} and 300 clients each stalling 900 KB into a
 * 1 MB request body (within the 1 MiB body limit each, 270 MB together). The process-wide input budget (a
 * quarter of the heap) answers the connections past it {@code 503} and closes them; no
 * {@code OutOfMemoryError}, and a plain request is still served.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpMemoryCapIT {

    private static final int CLIENTS = 300;
    private static final int SENT = 900_000;

    @TempDir
    Path tmp;

    @Test
    void stalledUploadsOnASmallHeapGet503PastTheBudgetAndNeverRunTheHeapOut() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        Magnetar.setEchoPort(home, 0);
        int port = Sockets.freePort();
        Files.writeString(
                home.resolve("etc/io.magnetar.endpoint-web.cfg"),
                "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = " + port + "\n");
        Path out = tmp.resolve("out.txt");
        List<Socket> clients = new ArrayList<>();
        try (LauncherProcess p =
                LauncherProcess.start(List.of("bash", "-c", "JAVA_OPTS=-Xmx256m exec bin/magnetar"), home, out)) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("http serving", () -> plaintext(port).startsWith("HTTP/1.1 200"));
            byte[] body = new byte[SENT];
            Arrays.fill(body, (byte) 'b');
            byte[] head = ("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < CLIENTS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(30_000);
                clients.add(s);
                try {
                    OutputStream o = s.getOutputStream();
                    o.write(head);
                    o.write(body);
                    o.flush();
                } catch (IOException refused) {
                    // answered and closed while sending: read below
                }
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            for (Socket s : clients) {
                outcomes.merge(answer(s), 1, Integer::sum);
            }
            System.out.println(CLIENTS + " stalled 900 KB uploads on -Xmx256m: " + outcomes);
            assertThat(Files.readString(out)).doesNotContain("OutOfMemoryError");
            assertThat(outcomes).containsKey("503").containsKey("waiting");
            assertThat(plaintext(port)).startsWith("HTTP/1.1 200");
            for (Socket s : clients) {
                s.close();
            }
            assertThat(p.stop()).isZero();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    /** "503" when the server answered so, "waiting" when it still waits for the rest of the body. */
    private static String answer(Socket s) {
        try {
            s.setSoTimeout(100);
            InputStream in = s.getInputStream();
            byte[] b = new byte[12];
            int n = in.readNBytes(b, 0, 12);
            return n == 12 ? new String(b, 9, 3, StandardCharsets.US_ASCII) : "closed";
        } catch (java.net.SocketTimeoutException e) {
            return "waiting";
        } catch (IOException e) {
            return "closed";
        }
    }

    private static String plaintext(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return Sockets.readUpTo(s, 15);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
