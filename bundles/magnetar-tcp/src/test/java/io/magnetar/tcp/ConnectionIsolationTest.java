package io.magnetar.tcp;

import static io.magnetar.tcp.Loopback.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.loop.SelectorEventLoopGroup;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConnectionIsolationTest {

    private SelectorEventLoopGroup group;
    private TcpTransportProvider provider;

    @BeforeEach
    void openGroup() {
        // One loop: both connections share it, so the failure must not take the loop down either.
        group = new SelectorEventLoopGroup(1, "isolation-test");
        provider = new TcpTransportProvider(group);
    }

    @AfterEach
    void closeGroup() throws Exception {
        await(group.close());
    }

    @Test
    void dataReceivedThrowingClosesOnlyThatConnectionAndReportsTheError() throws Exception {
        EchoServer server = EchoServer.listen(provider, ThrowsOnMarker::new);
        try (Socket doomed = server.connect();
                Socket survivor = server.connect()) {
            assertThat(echo(doomed, "ping")).isEqualTo("ping");
            assertThat(echo(survivor, "ping")).isEqualTo("ping");
            ThrowsOnMarker doomedProtocol = server.protocolOf(doomed);
            ThrowsOnMarker survivorProtocol = server.protocolOf(survivor);

            doomed.getOutputStream().write("BOOM".getBytes(US_ASCII));

            assertThat(await(doomedProtocol.lost)).isSameAs(doomedProtocol.thrown);
            assertThat(doomedProtocol.thrown).isNotNull();
            assertThat(Loopback.readUntilEnd(doomed)).isEmpty();
            assertThat(echo(survivor, "still here")).isEqualTo("still here");
            assertThat(survivorProtocol.lost).isNotDone();
            assertThat(survivorProtocol.transport.isClosing()).isFalse();
            assertThat(doomedProtocol.lostCalls).hasValue(1);
        }
    }

    private static String echo(Socket client, String text) throws Exception {
        byte[] bytes = text.getBytes(US_ASCII);
        client.getOutputStream().write(bytes);
        return new String(Loopback.readExactly(client, bytes.length), US_ASCII);
    }

    /** Echoes, but throws from dataReceived when the data starts with {@code BOOM}. */
    static final class ThrowsOnMarker extends EchoProtocol {
        volatile IllegalStateException thrown;

        @Override
        public void dataReceived(ByteBuffer data) {
            if (US_ASCII.decode(data.duplicate()).toString().startsWith("BOOM")) {
                thrown = new IllegalStateException("marker received: failing on purpose");
                throw thrown;
            }
            super.dataReceived(data);
        }
    }
}
