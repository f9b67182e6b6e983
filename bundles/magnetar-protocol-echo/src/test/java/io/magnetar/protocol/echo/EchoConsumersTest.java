package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.Endpoint;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocol.echo.EchoFraming.MessageTooLongException;
import io.magnetar.protocol.echo.internal.EchoProtocolFactory;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EchoServerConsumer} and {@link EchoClientConsumer} over real loopback TCP, one loop, without
 * {@code TcpServer} (its end-to-end tests live in {@code EchoServerTest}).
 */
class EchoConsumersTest {

    private static final long TIMEOUT_SECONDS = 5;

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "echo-consumers-test");
    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private final List<Socket> sockets = new ArrayList<>();
    private final BlockingQueue<Connection> serverConnections = new LinkedBlockingQueue<>();
    private Server server;

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    private void listen(ProtocolFactory connections) throws Exception {
        ProtocolFactory recording = () -> {
            Connection c = (Connection) connections.newProtocol();
            serverConnections.add(c);
            return c;
        };
        server = tcp.listen(Endpoint.of("127.0.0.1", 0), recording).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
        sockets.add(s);
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String readExactly(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void quitIsEchoedAndThenTheServerCloses() throws Exception {
        listen(new EchoProtocolFactory());
        Socket client = connect();

        send(client, "hello\r\n\r\nQUIT\r\n\r\n");

        String expected = "hello\r\n\r\nQUIT\r\n\r\n";
        assertThat(readExactly(client, expected.length())).isEqualTo(expected);
        assertThat(client.getInputStream().read()).isEqualTo(-1);
        Connection connection = serverConnections.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(await(connection.connectionLost())).isNull();
    }

    @Test
    void messagesSplitAcrossWritesAndPipelinedInOneWriteAreEchoedInOrder() throws Exception {
        listen(new EchoProtocolFactory());
        Socket client = connect();

        send(client, "one\r");
        send(client, "\n\r");
        send(client, "\ntwo\r\n\r\nthree\r\n\r\n");

        String expected = "one\r\n\r\ntwo\r\n\r\nthree\r\n\r\n";
        assertThat(readExactly(client, expected.length())).isEqualTo(expected);
    }

    @Test
    void messageOverTheLimitClosesTheConnection() throws Exception {
        listen(() -> new Connection(() -> new EchoServerConsumer(16)));
        Socket client = connect();

        send(client, "x".repeat(64));

        Connection connection = serverConnections.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(await(connection.connectionLost())).isInstanceOf(MessageTooLongException.class);
        assertThat(endOfStream(client.getInputStream())).isTrue();
    }

    /** True at EOF or reset: a server closing on unread bytes may reset the connection. */
    private static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void clientRequestsCompleteWithTheEchoAndQuitEndsTheConnection() throws Exception {
        listen(new EchoProtocolFactory());
        Connection client = EchoClientConsumer.newConnection();
        tcp.connect(server.localAddress(), Endpoint.builder().build(), client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat((byte[]) await(client.request("hello\r\nworld")))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("hello\r\nworld");
        assertThat((byte[]) await(client.request(new byte[] {1, 2, 3}))).containsExactly(1, 2, 3);
        assertThat((byte[]) await(client.request(ByteBuffer.wrap(new byte[] {'\r'}))))
                .containsExactly('\r');
        assertThat((byte[]) await(client.request("QUIT")))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("QUIT");

        assertThat(await(client.connectionLost())).isNull();
        assertThatThrownBy(() -> await(client.request("after quit")))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void clientRequestOfAnUnsupportedTypeFailsAndTheConnectionStaysUsable() throws Exception {
        listen(new EchoProtocolFactory());
        Connection client = EchoClientConsumer.newConnection();
        tcp.connect(server.localAddress(), Endpoint.builder().build(), client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThatThrownBy(() -> await(client.request(42)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);

        assertThat((byte[]) await(client.request("still there")))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("still there");
    }
}
