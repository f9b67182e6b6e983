package io.magnetar.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.websocket.WebSocket;
import io.magnetar.websocket.WebSocketHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 frame-level cases against a real server on loopback, with a raw client that can misbehave. */
class WebSocketServerTest {

    private static final WebSocketLimits LIMITS = new WebSocketLimits(64 * 1024, 128 * 1024);

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "ws-test");
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private TcpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        EchoHandler echo = new EchoHandler();
        WebSocketHandler recording = new WebSocketHandler() {
            @Override
            public void onText(WebSocket socket, String text) {
                echo.onText(socket, text);
            }

            @Override
            public void onBinary(WebSocket socket, java.nio.ByteBuffer data) {
                echo.onBinary(socket, data);
            }

            @Override
            public void onClose(WebSocket socket, int code, String reason) {
                closed.complete(new int[] {code});
            }
        };
        router = Router.builder()
                .get("/ws/echo", new UpgradeHandler(recording, LIMITS, true))
                .build();
        server = serve(null);
        port = server.address().getPort();
    }

    private Router router;

    private TcpServer serve(Duration keepAlive) throws Exception {
        TcpServer s = TcpServer.builder(
                        new TcpTransportProvider(group),
                        () -> HttpServerConsumer.newConnection(router, HttpLimits.defaults()))
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .keepAlive(keepAlive)
                .build();
        s.startServing().get(5, TimeUnit.SECONDS);
        return s;
    }

    @Test
    /** RFC 6455 7.4.1: a server going down says 1001 (before, a drain ended WebSockets by TCP alone: 1006). */
    void aDrainingServerClosesItsWebSocketsWith1001() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.sendText("hello");
            assertThat(c.read().text()).isEqualTo("hello");

            CompletableFuture<?> drained = server.close();

            assertThat(c.readUntilClose()).isEqualTo(1001);
            assertThat(closed.get(5, TimeUnit.SECONDS)[0]).isEqualTo(1001);
            drained.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    /** An idle WebSocket reaches the endpoint's keep-alive: closed with 1001 and a reason, not by TCP alone. */
    void anIdleWebSocketIsClosedWith1001() throws Exception {
        TcpServer idle = serve(Duration.ofMillis(300));
        try (RawWebSocketClient c = RawWebSocketClient.connect(idle.address().getPort(), "/ws/echo", "")) {
            c.sendText("hello");
            assertThat(c.read().text()).isEqualTo("hello");

            RawWebSocketClient.Frame close = c.read();

            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                    .isEqualTo("idle timeout");
        } finally {
            idle.close().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close().get(20, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    private RawWebSocketClient client() throws Exception {
        RawWebSocketClient c = RawWebSocketClient.connect(port, "/ws/echo", "");
        assertThat(c.responseHead).startsWith("HTTP/1.1 101 ");
        return c;
    }

    @Test
    void handshakeAnswersTheAcceptOfRfc6455AndEchoes() throws Exception {
        assertThat(UpgradeHandler.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        try (RawWebSocketClient c = client()) {
            assertThat(c.responseHead)
                    .containsIgnoringCase("upgrade: websocket")
                    .containsIgnoringCase("connection: upgrade")
                    .doesNotContainIgnoringCase("content-length");
            c.sendText("hello");
            assertThat(c.read().text()).isEqualTo("hello");
        }
    }

    @Test
    void fragmentsWithAPingBetweenThemAreOneMessageAndThePingIsAnswered() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(false, 0, 0x1, "frag".getBytes(StandardCharsets.UTF_8), true);
            c.send(true, 0, 0x9, "ping!".getBytes(StandardCharsets.UTF_8), true);
            c.send(true, 0, 0x0, "ment".getBytes(StandardCharsets.UTF_8), true);
            RawWebSocketClient.Frame pong = c.read();
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.text()).isEqualTo("ping!");
            assertThat(c.read().text()).isEqualTo("fragment");
        }
    }

    @Test
    void utf8SplitAcrossFragmentsIsValidAndInvalidUtf8Is1007() throws Exception {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocketClient c = client()) {
            c.send(false, 0, 0x1, Arrays.copyOfRange(euro, 0, 1), true);
            c.send(true, 0, 0x0, Arrays.copyOfRange(euro, 1, 3), true);
            assertThat(c.read().text()).isEqualTo("€");
            c.send(false, 0, 0x1, new byte[] {(byte) 0xCE, (byte) 0xBA}, true);
            c.send(true, 0, 0x0, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, true); // a surrogate
            assertThat(c.readUntilClose()).isEqualTo(1007);
            assertThat(c.eof()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "unmasked",
                "rsv2",
                "opcode3",
                "opcode11",
                "bigPing",
                "fragmentedPing",
                "lonelyContinuation",
                "newMessageInsideAFragmentedOne",
                "closeWithOneByte",
                "closeCode1005",
                "closeCode999",
                "closeCode2000"
            })
    void protocolViolationsClose1002(String violation) throws Exception {
        try (RawWebSocketClient c = client()) {
            byte[] x = "x".getBytes(StandardCharsets.UTF_8);
            switch (violation) {
                case "unmasked" -> c.send(true, 0, 0x1, x, false);
                case "rsv2" -> c.send(true, 2, 0x1, x, true);
                case "opcode3" -> c.send(true, 0, 0x3, x, true);
                case "opcode11" -> c.send(true, 0, 0xB, x, true);
                case "bigPing" -> c.send(true, 0, 0x9, new byte[126], true);
                case "fragmentedPing" -> c.send(false, 0, 0x9, x, true);
                case "lonelyContinuation" -> c.send(true, 0, 0x0, x, true);
                case "newMessageInsideAFragmentedOne" -> {
                    c.send(false, 0, 0x1, x, true);
                    c.send(true, 0, 0x1, x, true);
                }
                case "closeWithOneByte" -> c.send(true, 0, 0x8, new byte[] {3}, true);
                case "closeCode1005" -> c.send(true, 0, 0x8, new byte[] {0x03, (byte) 0xED}, true);
                case "closeCode999" -> c.send(true, 0, 0x8, new byte[] {0x03, (byte) 0xE7}, true);
                case "closeCode2000" -> c.send(true, 0, 0x8, new byte[] {0x07, (byte) 0xD0}, true);
                default -> throw new IllegalArgumentException(violation);
            }
            assertThat(c.readUntilClose()).isEqualTo(1002);
            assertThat(c.eof()).isTrue();
        }
    }

    @Test
    void closeHandshakeEchoesTheCodeAndTheServerClosesTcp() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x8, new byte[] {0x0F, (byte) 0xA0, 'b', 'y', 'e'}, true); // 4000
            assertThat(c.readUntilClose()).isEqualTo(4000);
            assertThat(c.eof()).isTrue();
            assertThat(closed.get(5, TimeUnit.SECONDS)[0]).isEqualTo(4000);
        }
    }

    /** RFC 6455 section 7.4: the codes an endpoint may send are echoed in the closing handshake. */
    @ParameterizedTest(name = "close {0}")
    @ValueSource(
            ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void everyCodeAnEndpointMaySendIsEchoed(int code) throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x8, new byte[] {(byte) (code >> 8), (byte) code}, true);
            assertThat(c.readUntilClose()).isEqualTo(code);
            assertThat(c.eof()).isTrue();
        }
    }

    /** Codes no endpoint may send (reserved, unassigned, or only for local use) are a protocol error. */
    @ParameterizedTest(name = "close {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    void codesNoEndpointMaySendAre1002(int code) throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x8, new byte[] {(byte) (code >> 8), (byte) code}, true);
            assertThat(c.readUntilClose()).isEqualTo(1002);
        }
    }

    @Test
    void aCloseReasonThatIsNotUtf8Is1007() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x8, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, (byte) 0x28}, true);
            assertThat(c.readUntilClose()).isEqualTo(1007);
        }
    }

    @Test
    void anEmptyCloseIsAnsweredWithAnEmptyClose() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x8, new byte[0], true);
            assertThat(c.readUntilClose()).isEqualTo(1005);
            assertThat(closed.get(5, TimeUnit.SECONDS)[0]).isEqualTo(1005);
        }
    }

    @Test
    void framesAndMessagesOverTheLimitsClose1009() throws Exception {
        try (RawWebSocketClient c = client()) {
            c.send(true, 0, 0x2, new byte[64 * 1024 + 1], true);
            assertThat(c.readUntilClose()).isEqualTo(1009);
        }
        try (RawWebSocketClient c = client()) {
            c.send(false, 0, 0x2, new byte[60 * 1024], true);
            c.send(false, 0, 0x0, new byte[60 * 1024], true);
            c.send(true, 0, 0x0, new byte[60 * 1024], true);
            assertThat(c.readUntilClose()).isEqualTo(1009);
        }
    }

    @Test
    void permessageDeflateIsNegotiatedAndRoundTrips() throws Exception {
        try (RawWebSocketClient c = RawWebSocketClient.connect(
                port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(c.responseHead)
                    .containsIgnoringCase("sec-websocket-extensions: permessage-deflate; client_max_window_bits=15");
            String text = "compress me ".repeat(50);
            c.send(true, 4, 0x1, deflate(text.getBytes(StandardCharsets.UTF_8)), true);
            RawWebSocketClient.Frame reply = c.read();
            assertThat(reply.rsv1()).isTrue();
            assertThat(new String(inflate(reply.payload()), StandardCharsets.UTF_8))
                    .isEqualTo(text);
        }
    }

    @Test
    void aDecompressionBombIsClosed1009BeforeItIsInflatedPastTheLimit() throws Exception {
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            byte[] bomb = deflate(new byte[16 * 1024 * 1024]); // 16 MiB of zeros in ~16 KiB
            assertThat(bomb.length).isLessThan(LIMITS.maxFrame() > Integer.MAX_VALUE ? 0 : (int) LIMITS.maxFrame());
            c.send(true, 4, 0x2, bomb, true);
            assertThat(c.readUntilClose()).isEqualTo(1009);
        }
    }

    @Test
    void rsv1OnAContinuationFrameIs1002() throws Exception {
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            c.send(false, 4, 0x1, deflate("a".getBytes(StandardCharsets.UTF_8)), true);
            c.send(true, 4, 0x0, deflate("b".getBytes(StandardCharsets.UTF_8)), true);
            assertThat(c.readUntilClose()).isEqualTo(1002);
        }
    }

    @Test
    void aPlainGetOnAWebSocketPathIs426() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream()
                    .write("GET /ws/echo HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 426")
                    .containsIgnoringCase("sec-websocket-version: 13");
        }
    }

    @Test
    void messagesThatEndTheirDeflateStreamWithAFinalBlockAllInflateWithTheWindowKept() throws Exception {
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            byte[] m1 = "the first message, ".repeat(20).getBytes(StandardCharsets.UTF_8);
            byte[] m2 = "the first message, again; ".repeat(10).getBytes(StandardCharsets.UTF_8);
            byte[] m3 = "the first message, again; and a third".getBytes(StandardCharsets.UTF_8);
            Deflater finishing = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            c.send(true, 4, 0x1, compress(finishing, m1, Deflater.FULL_FLUSH, true), true);
            finishing.reset();
            finishing.setDictionary(m1); // RFC 7692 7.2.3.4: the next stream may still refer to the last window
            c.send(true, 4, 0x1, compress(finishing, m2, Deflater.FULL_FLUSH, true), true);
            Deflater flushing = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            flushing.setDictionary(concat(m1, m2));
            c.send(true, 4, 0x1, compress(flushing, m3, Deflater.SYNC_FLUSH, false), true);
            c.send(true, 4, 0x1, compress(flushing, m3, Deflater.SYNC_FLUSH, false), true);

            java.util.zip.Inflater replies = new java.util.zip.Inflater(true); // the server keeps its context too
            for (byte[] sent : new byte[][] {m1, m2, m3, m3}) {
                RawWebSocketClient.Frame reply = c.read();
                assertThat(reply.rsv1()).isTrue();
                assertThat(new String(inflate(replies, reply.payload()), StandardCharsets.UTF_8))
                        .isEqualTo(new String(sent, StandardCharsets.UTF_8));
            }
            replies.end();
            finishing.end();
            flushing.end();
        }
    }

    @Test
    void aMessageWithinTheLimitIsTakenThoughItGrewWhenCompressed() throws Exception {
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            byte[] noise = new byte[(int) LIMITS.maxFrame()];
            new java.util.Random(7).nextBytes(noise);
            byte[] sent = deflate(noise);
            assertThat(sent.length).as("random bytes grow in DEFLATE").isGreaterThan(noise.length);
            c.send(true, 4, 0x2, sent, true);
            RawWebSocketClient.Frame reply = c.read();
            assertThat(reply.opcode()).isEqualTo(0x2);
            assertThat(inflate(reply.payload())).isEqualTo(noise);
        }
    }

    @Test
    void bytesAfterTheFinalDeflateBlockAre1007() throws Exception {
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            byte[] ended = compress(d, "ended".getBytes(StandardCharsets.UTF_8), Deflater.FULL_FLUSH, true);
            d.end();
            c.send(true, 4, 0x1, concat(ended, deflate("more".getBytes(StandardCharsets.UTF_8))), true);
            assertThat(c.readUntilClose()).isEqualTo(1007);
        }
    }

    @Test
    void anOfferOfServerMaxWindowBits15IsAcceptedByAnsweringIt() throws Exception {
        try (RawWebSocketClient c = RawWebSocketClient.connect(
                port, "/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15\r\n")) {
            assertThat(c.responseHead)
                    .containsIgnoringCase(
                            "sec-websocket-extensions: permessage-deflate; server_max_window_bits=15\r\n");
        }
    }

    @Test
    void aHeadOrATwiceKeyedHandshakeIs400() throws Exception {
        String head = "HEAD /ws/echo HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 400");
        }
        try (RawWebSocketClient c =
                RawWebSocketClient.connect(port, "/ws/echo", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")) {
            assertThat(c.responseHead).startsWith("HTTP/1.1 400");
        }
    }

    /** {@code data} through {@code d}: a stream ended by a final block ({@code finish}), or flushed with its tail cut. */
    private static byte[] compress(Deflater d, byte[] data, int flush, boolean finish) {
        d.setInput(data);
        if (finish) {
            d.finish();
        }
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf, 0, buf.length, flush);
        return Arrays.copyOf(buf, finish ? n : n - 4);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        d.end();
        return Arrays.copyOf(buf, n - 4);
    }

    private static byte[] inflate(byte[] data) throws Exception {
        java.util.zip.Inflater i = new java.util.zip.Inflater(true);
        byte[] out = inflate(i, data);
        i.end();
        return out;
    }

    private static byte[] inflate(java.util.zip.Inflater i, byte[] data) throws Exception {
        byte[] in = Arrays.copyOf(data, data.length + 4);
        in[data.length + 2] = (byte) 0xFF;
        in[data.length + 3] = (byte) 0xFF;
        i.setInput(in);
        byte[] out = new byte[1 << 17];
        int n = i.inflate(out);
        return Arrays.copyOf(out, n);
    }
}
