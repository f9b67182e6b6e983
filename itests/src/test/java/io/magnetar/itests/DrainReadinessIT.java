package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGTERM drain turns {@code /health/ready} to 503 at once, while the endpoints still serve (the
 * {@code magnetar.stop.drainDelay} a load balancer needs to notice), then {@code bin/magnetar} stops and
 * exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainReadinessIT {

    @TempDir
    Path tmp;

    @Test
    void readinessTurns503AsSoonAsTheDrainStartsAndTheProcessStillExitsCleanly() throws Exception {
        int web = Sockets.freePort();
        Path home = homeServingHttpOn(web);
        Files.writeString(
                home.resolve("etc/config.properties"), "\nmagnetar.stop.drainDelay = 3\n", StandardOpenOption.APPEND);
        String ready = "http://127.0.0.1:" + web + "/health/ready";
        try (LauncherProcess p = start(home)) {
            Magnetar.await("ready", () -> status(ready) == 200);

            long sent = System.nanoTime();
            p.terminate();
            Magnetar.await("503 during the drain", Duration.ofSeconds(2), () -> status(ready) == 503);
            long flippedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            String body = Scrape.body(Scrape.curl(ready));
            assertThat(body).contains("draining");
            assertThat(Scrape.status(Scrape.curl("http://127.0.0.1:" + web + "/plaintext")))
                    .as("still serving during the drain delay")
                    .isEqualTo(200);
            System.out.println("SIGTERM: /health/ready answered 503 " + flippedMs + " ms after the signal");
            assertThat(p.stop()).isZero();
        }
    }

    @Test
    void withoutADrainDelayAKeepAliveProbeSeesReadyOrDrainingThenTheEndNeverAMissingRoute() throws Exception {
        int web = Sockets.freePort();
        Path home = homeServingHttpOn(web);
        try (LauncherProcess p = start(home)) {
            Magnetar.await("ready", () -> status("http://127.0.0.1:" + web + "/health/ready") == 200);
            List<Integer> statuses = probeUntilTheEnd(web, p);
            assertThat(p.stop()).isZero();
            assertThat(statuses).hasSizeGreaterThanOrEqualTo(20).allMatch(s -> s == 200 || s == 503);
        }
    }

    /**
     * One {@code /health/ready} request after another on one keep-alive connection, as a load balancer's
     * probe would, sending SIGTERM after the 20th answer; the statuses until the server ends the connection.
     */
    private static List<Integer> probeUntilTheEnd(int port, LauncherProcess p) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        byte[] request = "GET /health/ready HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket probe = new Socket("127.0.0.1", port)) {
            probe.setSoTimeout(10_000);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
            while (true) {
                probe.getOutputStream().write(request);
                String statusLine = in.readLine();
                if (statusLine == null) {
                    return statuses;
                }
                statuses.add(Integer.parseInt(statusLine.split(" ")[1]));
                int length = 0;
                for (String line; !(line = in.readLine()).isEmpty(); ) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(
                                line.substring("content-length:".length()).trim());
                    }
                }
                char[] body = new char[length]; // ASCII JSON: a char per byte
                for (int got = 0; got < length; ) {
                    got += in.read(body, got, length - got);
                }
                if (statuses.size() == 20) {
                    p.terminate();
                }
            }
        } catch (SocketException endedWhileWriting) {
            return statuses; // the server closed between two probes
        }
    }

    /** A copy of the distribution (echo on a free port) with an http endpoint on {@code web}. */
    private Path homeServingHttpOn(int web) throws IOException {
        Path home = Magnetar.copyOfDist(tmp.resolve("home"));
        Magnetar.setEchoPort(home, 0);
        Files.writeString(
                home.resolve("etc/io.magnetar.endpoint-web.cfg"),
                "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = " + web + "\n");
        return home;
    }

    /** {@code bin/magnetar} of {@code home}, started. */
    private LauncherProcess start(Path home) throws Exception {
        LauncherProcess p =
                LauncherProcess.start(List.of(home.resolve("bin/magnetar").toString()), home, tmp.resolve("out.txt"));
        p.awaitStarted(Magnetar.DEADLINE);
        return p;
    }

    private static int status(String url) {
        try {
            return Scrape.status(Scrape.curl(url));
        } catch (Exception e) {
            return -1;
        }
    }
}
