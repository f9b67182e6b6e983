package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket on a small heap: {@code bin/magnetar} with {@code -Xmx256m} and 300 clients on the built-in
 * {@code /ws/echo}, each sending the first 900 KB fragment of a binary message and then stalling (within the
 * 1 MiB message limit each, 270 MB together). The process-wide input budget (a quarter of the heap) closes
 * the connections past it with 1013 (try again later); no {@code OutOfMemoryError}, and a new client is still
 * echoed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebSocketMemoryCapIT {

    private static final int CLIENTS = 300;
    private static final int SENT = 900_000;

    @TempDir
    Path tmp;

    @Test
    void stalledMessagesOnASmallHeapAreClosedWith1013PastTheBudgetAndNeverRunTheHeapOut() throws Exception {
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
            Magnetar.await("ws serving", () -> echo(port, "up").equals("up"));
            byte[] fragment = WebSockets.clientFrame(0x02, false, new byte[SENT]);
            for (int i = 0; i < CLIENTS; i++) {
                Socket s = upgrade(port);
                clients.add(s);
                try {
                    OutputStream o = s.getOutputStream();
                    o.write(fragment);
                    o.flush();
                } catch (IOException refused) {
                    // closed while sending: read below
                }
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            for (Socket s : clients) {
                outcomes.merge(answer(s), 1, Integer::sum);
            }
            System.out.println(CLIENTS + " stalled 900 KB messages on -Xmx256m: " + outcomes);
            assertThat(Files.readString(out)).doesNotContain("OutOfMemoryError");
            assertThat(outcomes).containsKey("close 1013").containsKey("waiting");
            assertThat(outcomes.keySet()).allSatisfy(o -> assertThat(o).isIn("close 1013", "waiting", "reset"));
            assertThat(echo(port, "still here")).isEqualTo("still here");
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

    /** "close 1013" when the server closed so, "waiting" when it still waits for the rest of the message. */
    private static String answer(Socket s) {
        try {
            s.setSoTimeout(100);
            DataInputStream in = new DataInputStream(s.getInputStream());
            int op = in.readUnsignedByte();
            int len = in.readUnsignedByte();
            if (op != 0x88 || len < 2) {
                return "frame " + Integer.toHexString(op);
            }
            return "close " + in.readUnsignedShort();
        } catch (java.net.SocketTimeoutException e) {
            return "waiting";
        } catch (IOException e) {
            return "reset";
        }
    }

    private static Socket upgrade(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        String head = WebSockets.handshake(s, "/ws/echo");
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
        return s;
    }

    private static String echo(int port, String text) {
        try (Socket s = upgrade(port)) {
            s.getOutputStream().write(WebSockets.clientFrame(0x01, true, text.getBytes(StandardCharsets.UTF_8)));
            DataInputStream in = new DataInputStream(s.getInputStream());
            if (in.readUnsignedByte() != 0x81) {
                return "not a text frame";
            }
            byte[] back = new byte[in.readUnsignedByte()];
            in.readFully(back);
            return new String(back, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
