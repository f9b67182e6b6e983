package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EchoServerTest {

    private static final byte[] SEP = EchoFraming.SEPARATOR;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "echo-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private TcpServer server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        server = TcpServer.builder(tcp, EchoServerConsumer::newConnection)
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        port = server.startServing().get(5, TimeUnit.SECONDS).address().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().get(20, TimeUnit.SECONDS);
        group.close().get(10, TimeUnit.SECONDS);
    }

    private static byte[] message(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        // keep the separator out of the payload so the frame is exactly this message
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r') {
                b[i] = 'r';
            }
        }
        return b;
    }

    private static void send(OutputStream out, byte[] payload) throws IOException {
        out.write(payload);
        out.write(SEP);
        out.flush();
    }

    private static byte[] readEcho(InputStream in, int size) throws IOException {
        byte[] got = new byte[size + SEP.length];
        new DataInputStream(in).readFully(got);
        assertThat(Arrays.copyOfRange(got, size, got.length)).isEqualTo(SEP);
        return Arrays.copyOf(got, size);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
    void echoesAMessageOfSize(int size) throws Exception {
        byte[] payload = message(size, size);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            // Write in another thread: an 8 MiB echo fills both socket buffers before the reader starts.
            Future<?> sent = writer.submit(() -> {
                send(s.getOutputStream(), payload);
                return null;
            });
            assertThat(readEcho(s.getInputStream(), size)).isEqualTo(payload);
            sent.get(30, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void answersTwoHundredConcurrentConnectionsOfAHundredMessagesEachInOrder() throws Exception {
        int connections = 200;
        int messages = 100;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(30_000);
                        int ok = 0;
                        for (int m = 0; m < messages; m++) {
                            byte[] payload = ("client " + id + " message " + m).getBytes(StandardCharsets.UTF_8);
                            send(s.getOutputStream(), payload);
                            assertThat(readEcho(s.getInputStream(), payload.length))
                                    .isEqualTo(payload);
                            ok++;
                        }
                        return ok;
                    }
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(messages);
            }
        } finally {
            pool.shutdownNow();
        }
        // An echo is written before its exchange is counted: poll the count with a deadline.
        long expected = (long) connections * messages;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.requestsProcessed() < expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(server.requestsProcessed()).isEqualTo(expected);
        assertThat(server.sessions()).isEqualTo(connections);
    }

    @Test
    void answersPipelinedMessagesInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                all.append("m").append(i).append("\r\n\r\n");
            }
            s.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] back = new DataInputStream(s.getInputStream()).readNBytes(all.length());
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo(all.toString());
        }
    }

    @Test
    void echoClientOverMagnetarGetsItsReplyAndServerCountsIt() throws Exception {
        Connection client = EchoClientConsumer.newConnection();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), Endpoint.builder().build(), client)
                .get(5, TimeUnit.SECONDS);
        CompletableFuture<Object> reply = client.request("hello magnetar");
        assertThat((byte[]) reply.get(5, TimeUnit.SECONDS))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("hello magnetar");
        assertThat((byte[]) client.request("again").get(5, TimeUnit.SECONDS))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("again");
        assertThat(client.processed()).isEqualTo(2);
        client.close();
        client.connectionLost().get(5, TimeUnit.SECONDS);
    }

    @Test
    void quitIsEchoedThenTheServerClosesTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            send(s.getOutputStream(), "QUIT".getBytes(StandardCharsets.US_ASCII));
            assertThat(readEcho(s.getInputStream(), 4))
                    .asString(StandardCharsets.US_ASCII)
                    .isEqualTo("QUIT");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
