package io.magnetar.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.SslTransportProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client we did not write: the Python {@code websockets} library (installed by {@code .ci/run}) runs
 * {@code ws_conformance.py} against the built-in echo over {@code ws://} and {@code wss://}: compressed
 * and plain messages up to 300 KB, fragments, ping, 100 pipelined messages, the close handshake, and
 * 1009 for a message over the limit.
 */
class PythonWebSocketsConformanceTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "ws-python");
    private TcpServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().get(20, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    private static boolean pythonWebsockets() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import websockets")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private int serve(TransportProvider transport, Endpoint endpoint) throws Exception {
        Router router = Router.builder()
                .get("/ws/echo", new UpgradeHandler(new EchoHandler(), WebSocketLimits.DEFAULTS, true))
                .build();
        server = TcpServer.builder(transport, () -> HttpServerConsumer.newConnection(router, HttpLimits.defaults()))
                .endpoint(endpoint)
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
        return server.address().getPort();
    }

    @Test
    void pythonWebsocketsOverWs() throws Exception {
        assumeClient();
        int port = serve(new TcpTransportProvider(group), Endpoint.of("127.0.0.1", 0));
        run("ws://127.0.0.1:" + port + "/ws/echo", null);
    }

    @Test
    void pythonWebsocketsOverWss() throws Exception {
        assumeClient();
        int port = serveTls();
        run("wss://127.0.0.1:" + port + "/ws/echo", tmp.resolve("server.pem"));
    }

    /** Magnetar's own client over wss://, trusting the server's certificate: the same handler type as a server's. */
    @Test
    void magnetarClientOverWss() throws Exception {
        int port = serveTls();
        SslTransportProvider tls = new SslTransportProvider(new TcpTransportProvider(group));
        io.magnetar.websocket.WebSocketClient client = new io.magnetar.websocket.WebSocketClient(
                tls,
                Endpoint.builder()
                        .property(
                                "tls.trustCertificates",
                                tmp.resolve("server.pem").toString())
                        .build());
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
        io.magnetar.websocket.WebSocket ws = client.connect(
                        java.net.URI.create("wss://127.0.0.1:" + port + "/ws/echo"),
                        new io.magnetar.websocket.WebSocketHandler() {
                            @Override
                            public void onText(io.magnetar.websocket.WebSocket socket, String text) {
                                echoed.complete(text);
                            }
                        })
                .get(20, TimeUnit.SECONDS);
        ws.sendText("over wss");
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("over wss");
        ws.close(1000, "");
        client.close().get(10, TimeUnit.SECONDS);
    }

    private int serveTls() throws Exception {
        Path store = tmp.resolve("server.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        Path cert = tmp.resolve("server.pem");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "server",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                cert.toString());
        Endpoint endpoint = Endpoint.builder()
                .host("127.0.0.1")
                .port(0)
                .property("tls.keyStore", store.toString())
                .property("tls.keyStorePassword", PASSWORD)
                .build();
        return serve(new SslTransportProvider(new TcpTransportProvider(group)), endpoint);
    }

    private static void assumeClient() throws Exception {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        assumeTrue(required || pythonWebsockets(), "Python websockets is not installed (.ci/run installs it)");
    }

    private void run(String uri, Path cafile) throws Exception {
        Path script = tmp.resolve("ws_conformance.py");
        try (var in = getClass().getResourceAsStream("/ws_conformance.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = cafile == null
                ? List.of("python3", script.toString(), uri)
                : List.of("python3", script.toString(), uri, cafile.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println("python websockets against " + uri + ":\n" + out);
        assertThat(out)
                .doesNotContain("FAIL")
                .contains("OK close handshake 1000")
                .contains("OK oversized message closed with 1009");
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
