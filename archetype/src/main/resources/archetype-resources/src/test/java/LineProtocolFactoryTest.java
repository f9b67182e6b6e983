package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.tcp.TcpTransportProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol served on a real loopback port, as an endpoint serves it, without OSGi. */
class LineProtocolFactoryTest {

    private final SelectorEventLoopGroup loops = new SelectorEventLoopGroup(1, "test");
    private TcpServer server;

    @BeforeEach
    void serve() throws Exception {
        server = TcpServer.builder(new TcpTransportProvider(loops), new LineProtocolFactory())
                .endpoint(Endpoint.of("127.0.0.1", 0))
                .build();
        server.startServing().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        server.close().get(10, TimeUnit.SECONDS);
        loops.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void answersEachLineUpperCased() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            // Two lines in one write, the second ended by CRLF: both answered, in order.
            out.write("hello\nworld\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals("HELLO", in.readLine());
            assertEquals("WORLD", in.readLine());
        }
    }
}
