package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code TcpServer.close()} while 200 clients are in the middle of a request. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulCloseIT {

    private static final int CLIENTS = 200;

    @Test
    void closeWith200ClientsMidRequestCompletesEveryRequestThenClosesCleanlyAndNoneHangs() throws Exception {
        try (EchoService echo = EchoService.draining("drain", 2, b -> {})) {
            List<Socket> clients = startRequests(echo);
            CompletableFuture<Void> closed = echo.server.close();
            int completed = 0;
            for (int i = 0; i < CLIENTS; i++) {
                try (Socket s = clients.get(i)) {
                    s.getOutputStream().write(Clients.SEPARATOR); // the rest of the request
                    Clients.Ending end = Clients.readToEnd(s);
                    assertThat(end.reset()).as("client %d was reset", i).isFalse();
                    assertThat(end.text()).isEqualTo("request " + i + "\r\n\r\n");
                    completed++;
                }
            }
            Bounded.await(closed);
            System.out.printf(
                    "graceful close: %d of %d requests in progress completed, then a clean close;"
                            + " close() done, %d connections left%n",
                    completed, CLIENTS, echo.server.connections());
            assertThat(echo.server.connections()).isZero();
            assertThat(echo.stats.lost.get()).isEqualTo(echo.stats.made.get());
            assertThat(echo.stats.causes).isEmpty();
        }
    }

    @Test
    void closeAbortsRequestsUnfinishedAfterCloseTimeoutAndEveryClientSeesTheCloseInsteadOfHanging() throws Exception {
        try (EchoService echo = EchoService.draining("abort", 2, b -> b.closeTimeout(Duration.ofMillis(300)))) {
            List<Socket> clients = startRequests(echo);
            Bounded.await(echo.server.close()); // the requests never finish: aborted after 300 ms
            int clean = 0;
            int reset = 0;
            for (Socket s : clients) {
                try (s) {
                    Clients.Ending end = Clients.readToEnd(s); // a hang would fail on the read timeout
                    assertThat(end.bytes()).isEmpty();
                    if (end.reset()) {
                        reset++;
                    } else {
                        clean++;
                    }
                }
            }
            System.out.printf(
                    "close timeout: %d unfinished requests ended, %d by FIN and %d by RST, none hung%n",
                    CLIENTS, clean, reset);
            assertThat(clean + reset).isEqualTo(CLIENTS);
            assertThat(echo.server.connections()).isZero();
            assertThat(echo.stats.lost.get()).isEqualTo(echo.stats.made.get());
        }
    }

    /** Connects {@link #CLIENTS} clients, each having sent a request without its end. */
    private static List<Socket> startRequests(EchoService echo) throws Exception {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Socket s = Clients.connect(echo.port());
            s.getOutputStream().write(("request " + i).getBytes(StandardCharsets.US_ASCII));
            clients.add(s);
        }
        // Every connection has started its exchange on the server (pre_request): every one is mid-request.
        Bounded.until(CLIENTS + " requests in progress", () -> echo.stats.reads.get() >= CLIENTS);
        return clients;
    }
}
