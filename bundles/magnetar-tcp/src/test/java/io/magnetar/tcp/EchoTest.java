package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class EchoTest {

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;
    private EchoServer server;

    @BeforeEach
    void listen() throws Exception {
        group = new SelectorEventLoopGroup(2, "echo-test");
        provider = new TcpTransportProvider(group);
        server = EchoServer.listen(provider, EchoProtocol::new);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
    void echoesAMessageByteForByte(int size) throws Exception {
        byte[] message = Loopback.payload(size);
        try (Socket client = server.connect()) {
            CompletableFuture<Void> written = Loopback.writeAsync(client, message);
            byte[] echoed = Loopback.readExactly(client, size);
            await(written);

            assertSameBytes(echoed, message);
        }
    }

    @Test
    void echoesToAClientTransportMadeByConnect() throws Exception {
        byte[] message = Loopback.payload(1024 * 1024);
        CollectingProtocol client = new CollectingProtocol(message.length);
        StreamTransport transport =
                await(provider.connect(server.address(), Endpoint.builder().build(), client));

        for (ByteBuffer chunk : Loopback.chunks(message, 8 * 1024)) {
            transport.write(chunk);
        }

        assertSameBytes(await(client.received), message);
        assertThat(await(client.made)).isSameAs(transport);
        transport.close();
        assertThat(await(client.lost)).isNull();
    }

    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual).hasSize(expected.length);
        assertThat(Arrays.mismatch(actual, expected))
                .as("index of the first differing byte")
                .isEqualTo(-1);
    }
}
