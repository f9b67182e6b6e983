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
import io.magnetar.websocket.WebSocketClient;
import io.magnetar.websocket.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Magnetar's WebSocket client against Magnetar's server: the same handler type on both sides. */
class WebSocketClientTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "ws-client");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private TcpServer server;

    @BeforeEach
    void start() throws Exception {
        Router router = Router.builder()
                .get("/ws/echo", new UpgradeHandler(new EchoHandler(), WebSocketLimits.DEFAULTS, true))
                .build();
        server = TcpServer.builder(tcp, () -> HttpServerConsumer.newConnection(router, HttpLimits.defaults()))
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        server.close().get(20, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "deflate offered: {0}")
    @ValueSource(booleans = {true, false})
    void clientTalksToTheServerAndClosesCleanly(boolean deflate) throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onText(WebSocket socket, String text) {
                received.add(text);
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                received.add(b);
            }

            @Override
            public void onClose(WebSocket socket, int code, String reason) {
                closed.complete(code);
            }
        };
        WebSocketClient client = new WebSocketClient(tcp, Endpoint.builder().build(), deflate);
        WebSocket ws = client.connect(
                        URI.create("ws://127.0.0.1:" + server.address().getPort() + "/ws/echo?x=1"), handler)
                .get(10, TimeUnit.SECONDS);
        assertThat(ws.extensions()).isEqualTo(deflate ? "permessage-deflate" : "");

        String big = "ünïcödé ".repeat(20_000);
        ws.sendText("hello");
        ws.sendText(big);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(big);
        assertThat((byte[]) received.poll(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);

        ws.close(1000, "bye");
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        client.close().get(10, TimeUnit.SECONDS);
    }
}
