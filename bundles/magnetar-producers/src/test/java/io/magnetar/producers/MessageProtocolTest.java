package io.magnetar.producers;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocols.codec.FrameEncoder;
import io.magnetar.protocols.codec.LineDecoder;
import io.magnetar.protocols.codec.MessageProtocol;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed message base as an author uses it: a line protocol that upper-cases, on real sockets. */
class MessageProtocolTest {

    /** Everything the author writes for an upper-casing line protocol. */
    static class Upper extends MessageProtocol<String> {
        Upper() {
            super(new LineDecoder(1024, true), FrameEncoder.delimiter(new byte[] {'\n'}));
        }

        @Override
        protected String decode(ByteBuffer frame) {
            return StandardCharsets.UTF_8.decode(frame).toString();
        }

        @Override
        protected ByteBuffer encode(String message) {
            return ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        protected void onMessage(String line) {
            send(line.toUpperCase());
        }
    }

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "message-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private TcpServer server;

    @BeforeEach
    void start() throws Exception {
        server = TcpServer.builder(tcp, Upper::new)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        server.close().get(20, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void pipelinedLinesAreAnsweredInOrderAndCountedAsRequests() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello\nworld\r\nsplit".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HELLO");
            assertThat(in.readLine()).isEqualTo("WORLD");
            s.getOutputStream().write(" line\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("SPLIT LINE");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.requestsProcessed() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(1); // polling the counter with a deadline
        }
        assertThat(server.requestsProcessed()).isEqualTo(3);
    }

    @Test
    void aLineOverTheMaximumClosesThatConnectionOnly() throws Exception {
        try (Socket bad = new Socket("127.0.0.1", server.address().getPort());
                Socket good = new Socket("127.0.0.1", server.address().getPort())) {
            bad.setSoTimeout(10_000);
            bad.getOutputStream().write(("x".repeat(2000) + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(bad.getInputStream().read()).isEqualTo(-1);
            good.setSoTimeout(10_000);
            good.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new BufferedReader(new InputStreamReader(good.getInputStream(), StandardCharsets.UTF_8))
                            .readLine())
                    .isEqualTo("STILL HERE");
        }
    }

    @Test
    void aClientAsksAndGetsATypedAnswer() throws Exception {
        Upper client = new Upper() {
            @Override
            protected void onMessage(String line) {
                // a client: answers go to ask()
            }
        };
        tcp.connect(
                        new InetSocketAddress("127.0.0.1", server.address().getPort()),
                        Endpoint.builder().build(),
                        client)
                .get(5, TimeUnit.SECONDS);
        String answer = client.ask("typed").get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo("TYPED");
        client.close();
    }
}
