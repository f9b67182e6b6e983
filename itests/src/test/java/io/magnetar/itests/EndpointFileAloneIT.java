package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a copy of the default home, an endpoint file alone serves every transport (tcp, tls, udp) and
 * protocol (echo, http, resp) that ships in {@code bundle/}: nothing else is edited. And the feature
 * commands, through a real Gogo session: a protocol's feature uninstalled leaves its endpoint waiting
 * with the feature named, installed again it serves.
 */
class EndpointFileAloneIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    @Test
    void everyShippedTransportAndProtocolServesFromAnEndpointFileAlone() throws Exception {
        Path store = keyStore();
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-web.cfg", "protocol = http\nport = 0\n");
            m.writeEtc("io.magnetar.endpoint-cache.cfg", "protocol = resp\nport = 0\n");
            m.writeEtc("io.magnetar.endpoint-datagrams.cfg", "transport = udp\nprotocol = echo\nport = 0\n");
            m.writeEtc(
                    "io.magnetar.endpoint-secure.cfg",
                    String.join(
                            "\n",
                            "transport = tls",
                            "protocol = http",
                            "port = 0",
                            "tls.keyStore = " + store,
                            "tls.keyStorePassword = " + PASSWORD,
                            ""));

            assertThat(Sockets.echo(m.awaitServing("echo"), "tcp echo")).isEqualTo("tcp echo");
            assertThat(httpGet(new Socket("127.0.0.1", m.awaitServing("web"))))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("Hello, World!");
            assertThat(respPing(m.awaitServing("cache"))).isEqualTo("+PONG");
            assertThat(udpEcho(m.awaitServing("datagrams"), "udp echo")).isEqualTo("udp echo");
            assertThat(httpGet(tlsSocket(store, m.awaitServing("secure"))))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("Hello, World!");
            assertThat(webSocketEcho(new Socket("127.0.0.1", m.awaitServing("web")), "over ws"))
                    .as("the built-in /ws/echo of every http endpoint")
                    .isEqualTo("over ws");
            assertThat(webSocketEcho(tlsSocket(store, m.awaitServing("secure")), "over wss"))
                    .isEqualTo("over wss");
        }
    }

    @Test
    void aStaticFilesConfigurationServesADirectoryOnTheHttpEndpoints() throws Exception {
        Path www = java.nio.file.Files.createDirectories(tmp.resolve("www"));
        java.nio.file.Files.writeString(www.resolve("index.html"), "<h1>static</h1>\n");
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-web.cfg", "protocol = http\nport = 0\n");
            m.writeEtc("io.magnetar.http.static-site.cfg", "path = /site/*\ndirectory = " + www + "\n");
            int port = m.awaitServing("web");
            await("static route", () -> {
                try {
                    return httpGetPath(port, "/site/").contains("<h1>static</h1>");
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(httpGetPath(port, "/site/"))
                    .contains("text/html; charset=utf-8")
                    .contains("ETag:");
            assertThat(httpGetPath(port, "/site/../etc/config.properties")).startsWith("HTTP/1.1 404");
        }
    }

    private static String httpGetPath(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void featureCommandsUninstallAndInstallAProtocolAndTheWaitingEndpointNamesIt() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-cache.cfg", "protocol = resp\nport = 0\n");
            m.awaitServing("cache");
            assertThat(m.gogo("magnetar:features"))
                    .containsPattern("magnetar-resp\\s+installed\\s+protocol:resp")
                    .containsPattern("magnetar-tls\\s+installed\\s+transport:tls");

            assertThat(m.gogo("magnetar:feature-uninstall magnetar-resp")).contains("uninstalled");
            await(
                    "cache stopped",
                    () -> m.endpointPort("cache") < 0 && infoOf(m).contains("WAITING"));
            assertThat(infoOf(m))
                    .contains("waiting for protocol 'resp' service")
                    .contains("magnetar:feature-install magnetar-resp");
            assertThat(m.gogo("magnetar:features")).containsPattern("magnetar-resp\\s+not installed");

            assertThat(m.gogo("magnetar:feature-install magnetar-resp")).contains("installed");
            assertThat(respPing(m.awaitServing("cache"))).isEqualTo("+PONG");
        }
    }

    private static String infoOf(Magnetar m) {
        try {
            return m.shell("info", "cache");
        } catch (Exception e) {
            return "";
        }
    }

    private static String httpGet(Socket socket) throws Exception {
        try (Socket s = socket) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** RFC 6455 handshake on /ws/echo, one masked text frame, its echo. */
    private static String webSocketEcho(Socket socket, String text) throws Exception {
        try (Socket s = socket) {
            s.setSoTimeout(10_000);
            assertThat(WebSockets.handshake(s, "/ws/echo"))
                    .startsWith("HTTP/1.1 101")
                    .contains(WebSockets.EXAMPLE_ACCEPT);
            s.getOutputStream().write(WebSockets.clientFrame(0x1, true, text.getBytes(StandardCharsets.UTF_8)));
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readUnsignedByte()).isEqualTo(0x81);
            byte[] back = new byte[in.readUnsignedByte()];
            in.readFully(back);
            return new String(back, StandardCharsets.UTF_8);
        }
    }

    private static String respPing(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            new DataInputStream(s.getInputStream()).readFully(reply);
            return new String(reply, StandardCharsets.US_ASCII).trim();
        }
    }

    private static String udpEcho(int port, String message) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(2_000);
            byte[] out = message.getBytes(StandardCharsets.US_ASCII);
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            for (int attempt = 0; ; attempt++) { // datagrams may be lost; loopback rarely does
                s.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
                try {
                    s.receive(reply);
                    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
                } catch (java.net.SocketTimeoutException e) {
                    if (attempt == 4) {
                        throw e;
                    }
                }
            }
        }
    }

    private Socket tlsSocket(Path store, int port) throws Exception {
        return TlsEndpointIT.trusting(store, PASSWORD).getSocketFactory().createSocket("127.0.0.1", port);
    }

    private Path keyStore() throws Exception {
        return TlsEndpointIT.keyStore(tmp.resolve("server.p12"), PASSWORD);
    }
}
