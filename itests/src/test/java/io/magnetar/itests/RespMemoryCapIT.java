package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESP on a small heap, as the hostile-input probe tried it: {@code bin/magnetar} with {@code -Xmx256m}
 * and 24 clients each sending {@code SET} with a 16 MB value at once. Before, 15 got no reply and the log
 * showed {@code OutOfMemoryError} 34 times. Now every client is answered ({@code +OK}, redis's
 * {@code -OOM} past {@code maxmemory}, or {@code -ERR} when all connections' buffered input would pass its
 * limit, that connection then closed), no {@code OutOfMemoryError} happens, and reads are still served.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RespMemoryCapIT {

    private static final int CLIENTS = 24;
    private static final int VALUE = 16_000_000;

    @TempDir
    Path tmp;

    @Test
    void bigWritesOnASmallHeapAreAnsweredAndNeverRunTheHeapOut() throws Exception {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        Magnetar.setEchoPort(home, 0);
        int port = Sockets.freePort();
        Files.writeString(
                home.resolve("etc/io.magnetar.endpoint-kv.cfg"),
                "transport = tcp\nprotocol = resp\nhost = 127.0.0.1\nport = " + port + "\n");
        Path out = tmp.resolve("out.txt");
        List<String> command = List.of("bash", "-c", "JAVA_OPTS=-Xmx256m exec bin/magnetar");
        try (LauncherProcess p = LauncherProcess.start(command, home, out)) {
            p.awaitStarted(Magnetar.DEADLINE);
            Magnetar.await("resp serving", () -> "+PONG\r\n".equals(ping(port)));

            byte[] value = new byte[VALUE];
            java.util.Arrays.fill(value, (byte) 'v');
            List<CompletableFuture<String>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String key = "big:" + i;
                clients.add(CompletableFuture.supplyAsync(() -> set(port, key, value)));
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            for (CompletableFuture<String> c : clients) {
                outcomes.merge(c.get(120, TimeUnit.SECONDS), 1, Integer::sum);
            }
            System.out.println("24 x SET 16 MB on -Xmx256m: " + outcomes);

            String log = Files.readString(out);
            assertThat(log).doesNotContain("OutOfMemoryError");
            assertThat(outcomes).containsKey("+OK");
            assertThat(outcomes.keySet())
                    .allSatisfy(
                            o -> assertThat(o)
                                    .matches(
                                            "\\+OK|-OOM command not allowed when used memory > 'maxmemory'\\.|-ERR client input .*|closed after -ERR|reset"));
            assertThat(ping(port)).isEqualTo("+PONG\r\n");
            assertThat(getLength(port, "big:missing")).isEqualTo("$-1");
            assertThat(p.stop()).isZero();
        }
    }

    /** SET key value; the reply's first line, or what became of the connection. */
    private static String set(int port, String key, byte[] value) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream o = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            InputStream in = s.getInputStream();
            try {
                o.write(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                o.write(value);
                o.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
            } catch (IOException refusedMidway) {
                // The server answered -ERR and closed while we were still sending: read what it said.
                String line = line(in);
                return line.startsWith("-ERR client input") ? "closed after -ERR" : "reset";
            }
            String line = line(in);
            return line.startsWith("-ERR client input") ? "-ERR client input (over the total)" : line;
        } catch (IOException e) {
            return "reset";
        }
    }

    private static String line(InputStream in) {
        StringBuilder b = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                b.append((char) c);
            }
        } catch (IOException e) {
            // what arrived before the reset
        }
        return b.toString();
    }

    private static String ping(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            return Sockets.readUpTo(s, 7);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String getLength(int port, String key) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return line(s.getInputStream());
        }
    }
}
