package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * UDP echo served from configuration in a real Felix: an {@code io.magnetar.endpoint} with
 * {@code transport = udp} wires the udp {@code TransportProvider} with the datagram flavour of
 * {@code magnetar.protocol=echo} into a {@code DatagramServer}.
 */
class UdpEndpointIT {

    @TempDir
    Path tmp;

    private static String exchange(int port, String host, String text) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(host, 0))) {
            s.setSoTimeout(10_000);
            byte[] out = text.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(out, out.length, new InetSocketAddress(host, port)));
            DatagramPacket in = new DatagramPacket(new byte[65_536], 65_536);
            s.receive(in);
            return new String(Arrays.copyOf(in.getData(), in.getLength()), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesUdpEchoFromAConfigurationFileAndShowsItInTheShell() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-udpecho.cfg",
                    "transport = udp\nprotocol = echo\nhost = 127.0.0.1\nport = 0\n" + "receiveBufferSize = 1048576\n");
            int port = m.awaitServing("udpecho");

            assertThat(exchange(port, "127.0.0.1", "hello udp")).isEqualTo("hello udp");
            assertThat(exchange(port, "127.0.0.1", "again")).isEqualTo("again");

            assertThat(m.serverReference("udpecho").getProperty("magnetar.transport"))
                    .isEqualTo("udp");
            assertThat(m.shell("endpoints"))
                    .containsPattern("udpecho\\s+udp\\s+echo\\s+127\\.0\\.0\\.1:" + port + "\\s+SERVING");
            String info = m.shell("info", "udpecho");
            assertThat(info)
                    .contains("requests_processed: 2")
                    .contains("datagrams_received: 2")
                    .contains("receiveBufferSize: 1048576");
            // The TCP echo endpoint of the default configuration is untouched.
            assertThat(Sockets.echo(m.awaitServing("echo"), "tcp still")).isEqualTo("tcp still");
        }
    }

    @Test
    void removingTheConfigurationStopsTheEndpointAndReleasesThePort() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-udpecho.cfg", "transport = udp\nprotocol = echo\nport = 0\n");
            int port = m.awaitServing("udpecho");
            assertThat(exchange(port, "127.0.0.1", "before")).isEqualTo("before");

            Files.delete(m.home().resolve("etc/io.magnetar.endpoint-udpecho.cfg"));

            await("udpecho removed", () -> m.endpointPort("udpecho") < 0);
            await("udp port " + port + " released", () -> udpPortFree(port));
        }
    }

    @Test
    void udpEndpointOnIpv6WithARequestLimitStopsServingAfterIt() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            boolean v6 = ipv6Loopback();
            String host = v6 ? "::1" : "127.0.0.1";
            m.writeEtc(
                    "io.magnetar.endpoint-limited.cfg",
                    "transport = udp\nprotocol = echo\nhost = " + host + "\nport = 0\nmaxRequests = 2\n");
            int port = m.awaitServing("limited");

            assertThat(exchange(port, host, "one")).isEqualTo("one");
            assertThat(exchange(port, host, "two")).isEqualTo("two");

            await("limited stops after 2 requests", () -> infoOf(m, "limited").contains("sockets: []"));
            assertThat(infoOf(m, "limited")).contains("requests_processed: 2").contains("maxRequests: 2");
        }
    }

    @Test
    void udpTransportLeavingStopsTheEndpointAndItServesAgainWhenItReturns() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            int port = udpFreePort();
            m.writeEtc("io.magnetar.endpoint-udpfixed.cfg", "transport = udp\nprotocol = echo\nport = " + port + "\n");
            await("udpfixed serving", () -> m.endpointPort("udpfixed") == port);
            Bundle echo = m.bundle("magnetar-protocol-echo");

            echo.stop();
            await("udpfixed stopped", () -> m.endpointPort("udpfixed") < 0 && udpPortFree(port));
            assertThat(infoOf(m, "udpfixed")).contains("waiting for datagram protocol 'echo'");

            echo.start();
            await("udpfixed back on " + port, () -> m.endpointPort("udpfixed") == port);
            assertThat(exchange(port, "127.0.0.1", "back")).isEqualTo("back");
        }
    }

    private static String infoOf(Magnetar m, String endpoint) {
        try {
            return m.shell("info", endpoint);
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean udpPortFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int udpFreePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static boolean ipv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
