package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * Services and bundles going away while clients are in the middle of a request, in a real Felix. Each
 * client ends in one of two acceptable ways: its request completes, or it sees a clean close (EOF)
 * before any byte of a reply. A reset, a partial reply or a read that times out (a hang) fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultsUnderLoadIT {

    private static final int READ_TIMEOUT_MS = 20_000;

    @TempDir
    Path tmp;

    @Test
    void protocolServiceLeavingMidRequestLetsTheRequestFinishOrClosesCleanlyAndTheEndpointReturnsWithIt()
            throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            int port = m.awaitServing("echo");
            List<Socket> clients = midRequestClients(port, 20);
            Bundle echo = m.bundle("magnetar-protocol-echo");
            echo.stop(); // the ProtocolFactory service leaves; the endpoint drains
            Outcomes outcomes = finishRequests(clients);
            System.out.println("protocol service left mid-request: " + outcomes);
            assertThat(outcomes.completed + outcomes.closedCleanly).isEqualTo(20);

            await("echo endpoint stopped", () -> m.endpointPort("echo") < 0);
            echo.start();
            int again = m.awaitServing("echo");
            assertThat(Sockets.echo(again, "back")).isEqualTo("back");
        }
    }

    @Test
    void frameworkStopWith200ClientsMidRequestCompletesOrCleanlyClosesEveryOneAndNoneHangs() throws Exception {
        Magnetar m = Magnetar.boot(tmp, Map.of());
        List<Socket> clients;
        CompletableFuture<Void> stopped;
        try {
            int port = m.awaitServing("echo");
            clients = midRequestClients(port, 200);
        } finally {
            stopped = CompletableFuture.runAsync(() -> {
                try {
                    m.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
        Outcomes outcomes = finishRequests(clients);
        stopped.get(30, TimeUnit.SECONDS);
        System.out.println("framework stop with 200 clients mid-request: " + outcomes);
        assertThat(outcomes.completed + outcomes.closedCleanly).isEqualTo(200);
    }

    /** Clients that got one echo (so they are accepted and served) and then sent half a request. */
    private static List<Socket> midRequestClients(int port, int n) throws IOException {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.getOutputStream().write(("hello " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            readExactly(s, ("hello " + i + "\r\n\r\n").length());
            s.getOutputStream().write(("request " + i).getBytes(StandardCharsets.US_ASCII));
            clients.add(s);
        }
        return clients;
    }

    /** Sends the end of every request and reads until the server closes. */
    private static Outcomes finishRequests(List<Socket> clients) throws IOException {
        Outcomes o = new Outcomes();
        for (int i = 0; i < clients.size(); i++) {
            try (Socket s = clients.get(i)) {
                try {
                    s.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (SocketException e) {
                    // already closed by the server: the read below tells how
                }
                String got = readToEnd(s);
                if (got == null) {
                    o.reset++;
                } else if (got.equals("request " + i + "\r\n\r\n")) {
                    o.completed++;
                } else if (got.isEmpty()) {
                    o.closedCleanly++;
                } else {
                    o.partial++;
                }
            }
        }
        return o;
    }

    private static void readExactly(Socket s, int n) throws IOException {
        String got = Sockets.readUpTo(s, n);
        if (got == null || got.length() != n) {
            throw new IOException("no echo: " + got);
        }
    }

    /** Everything until EOF; {@code null} on a reset; a timeout propagates. */
    private static String readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            int r;
            while ((r = s.getInputStream().read(buf)) >= 0) {
                out.write(buf, 0, r);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            return null;
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** How a batch of mid-request clients ended. */
    private static final class Outcomes {
        int completed;
        int closedCleanly;
        int reset;
        int partial;

        @Override
        public String toString() {
            return completed + " completed, " + closedCleanly + " closed cleanly before a reply, " + reset + " reset, "
                    + partial + " partial replies";
        }
    }
}
