package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * The operator's view of a real Felix with every default feature: traffic on echo (TCP and TLS), HTTP,
 * RESP and UDP endpoints moves the counters that {@code curl /metrics} reads (the text checked line by
 * line), the same counters are MBeans in the platform MBean server, and {@code /health/ready} turns 503,
 * naming the endpoint, while the echo protocol's bundle is stopped, and 200 when it is back.
 */
class MetricsIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    @Test
    void trafficMovesTheMetricsThatCurlScrapesAndTheMBeansShow() throws Exception {
        Path store = TlsEndpointIT.keyStore(tmp.resolve("server.p12"), PASSWORD);
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-web.cfg", "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = 0\n");
            m.writeEtc(
                    "io.magnetar.endpoint-secure.cfg",
                    "transport = tls\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n" + "tls.keyStore = " + store
                            + "\ntls.keyStorePassword = " + PASSWORD + "\n");
            m.writeEtc(
                    "io.magnetar.endpoint-dgram.cfg", "transport = udp\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n");
            m.writeEtc("io.magnetar.endpoint-kv.cfg", "transport = tcp\nprotocol = resp\nhost = 127.0.0.1\nport = 0\n");
            int echo = m.awaitServing("echo");
            int web = m.awaitServing("web");
            int secure = m.awaitServing("secure");
            int dgram = m.awaitServing("dgram");
            int kv = m.awaitServing("kv");
            String metricsUrl = "http://127.0.0.1:" + web + "/metrics";
            await("/metrics routed", () -> status(metricsUrl) == 200);

            for (int i = 0; i < 3; i++) {
                assertThat(Sockets.echo(echo, "m" + i)).isEqualTo("m" + i);
            }
            tlsEcho(store, secure);
            udpEcho(dgram, "a");
            udpEcho(dgram, "b");
            assertThat(respPing(kv)).isEqualTo("+PONG\r\n");
            assertThat(Scrape.status(Scrape.curl("http://127.0.0.1:" + web + "/plaintext")))
                    .isEqualTo(200);
            assertThat(Scrape.status(Scrape.curl("http://127.0.0.1:" + web + "/nothing-here")))
                    .isEqualTo(404);

            String scraped = Scrape.curl(metricsUrl);
            assertThat(scraped).contains("Content-Type: text/plain; version=0.0.4; charset=utf-8");
            Map<String, Double> s = Scrape.samples(Scrape.body(scraped));
            String echoLabels = "{endpoint=\"echo\",transport=\"tcp\",protocol=\"echo\"}";
            assertThat(s.get("magnetar_requests_total" + echoLabels)).isEqualTo(3.0);
            assertThat(s.get("magnetar_connections_total" + echoLabels)).isEqualTo(3.0);
            assertThat(s.get("magnetar_bytes_received_total" + echoLabels)).isEqualTo(3.0 * "m0\r\n\r\n".length());
            assertThat(s.get("magnetar_bytes_sent_total" + echoLabels)).isEqualTo(3.0 * "m0\r\n\r\n".length());
            assertThat(s.get("magnetar_connections_open" + echoLabels)).isBetween(0.0, 3.0);
            String tls = "{endpoint=\"secure\",transport=\"tls\",protocol=\"echo\"}";
            assertThat(s.get("magnetar_requests_total" + tls)).isEqualTo(1.0);
            assertThat(s.get("magnetar_bytes_sent_total" + tls))
                    .as("TLS bytes on the wire, handshake included")
                    .isGreaterThan(500.0);
            assertThat(s.get("magnetar_tls_handshakes_total{result=\"ok\"}")).isGreaterThanOrEqualTo(1.0);
            String udp = "{endpoint=\"dgram\",transport=\"udp\",protocol=\"echo\"}";
            assertThat(s.get("magnetar_datagrams_received_total" + udp)).isEqualTo(2.0);
            assertThat(s.get("magnetar_datagrams_sent_total" + udp)).isEqualTo(2.0);
            assertThat(s.get("magnetar_requests_total{endpoint=\"kv\",transport=\"tcp\",protocol=\"resp\"}"))
                    .isEqualTo(1.0);
            assertThat(s.get("magnetar_http_requests_total{route=\"/plaintext\",code=\"2xx\"}"))
                    .isEqualTo(1.0);
            assertThat(s.get("magnetar_http_requests_total{route=\"unmatched\",code=\"4xx\"}"))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(s.get("magnetar_http_request_duration_seconds_count{route=\"/plaintext\"}"))
                    .isEqualTo(1.0);
            assertThat(s.get("magnetar_http_request_duration_seconds_bucket{route=\"/plaintext\",le=\"+Inf\"}"))
                    .isEqualTo(1.0);
            assertThat(s.keySet()).anyMatch(k -> k.startsWith("magnetar_loop_selects_total{loop="));

            String open = Scrape.curl(metricsUrl, "-H", "Accept: application/openmetrics-text; version=1.0.0");
            assertThat(open)
                    .contains("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8")
                    .contains("# TYPE magnetar_requests counter")
                    .endsWith("# EOF\n");

            ObjectName mbean = new ObjectName("io.magnetar:type=Endpoint,name=echo");
            Object requests = ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "requests_total");
            assertThat(requests).isEqualTo(3.0);
            assertThat(ManagementFactory.getPlatformMBeanServer()
                            .isRegistered(new ObjectName("io.magnetar:type=EventLoop,name=magnetar-loop")))
                    .isTrue();
            System.out.println(
                    "metrics: " + s.size() + " samples scraped with curl; echo requests_total 3 over curl and JMX");
        }
    }

    @Test
    void readinessIs503NamingTheEndpointWhileItsProtocolIsGone() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-web.cfg", "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = 0\n");
            m.awaitServing("echo");
            int web = m.awaitServing("web");
            String ready = "http://127.0.0.1:" + web + "/health/ready";
            await("ready", () -> status(ready) == 200);
            String live = Scrape.curl("http://127.0.0.1:" + web + "/health");
            assertThat(Scrape.status(live)).isEqualTo(200);
            assertThat(Scrape.body(live)).isEqualTo("{\"status\":\"UP\"}\n");

            Bundle echo = m.bundle("magnetar-protocol-echo");
            echo.stop();
            await("not ready while echo is gone", () -> status(ready) == 503);
            String body = Scrape.body(Scrape.curl(ready));
            assertThat(body).startsWith("{\"status\":\"NOT_READY\",\"notReady\":[\"endpoint echo is WAITING");
            echo.start();
            await("ready again", () -> status(ready) == 200);
        }
    }

    private static int status(String url) {
        try {
            return Scrape.status(Scrape.curl(url));
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void tlsEcho(Path store, int port) throws Exception {
        SSLContext context = TlsEndpointIT.trusting(store, PASSWORD);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] message = "tls\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(message);
            byte[] back = new byte[message.length];
            new DataInputStream(socket.getInputStream()).readFully(back);
            assertThat(back).isEqualTo(message);
        }
    }

    private static void udpEcho(int port, String text) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(10_000);
            byte[] out = text.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            s.receive(in);
        }
    }

    private static String respPing(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            return Sockets.readUpTo(s, 7);
        }
    }
}
