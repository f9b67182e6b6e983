package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Protocol;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code StreamTransport.sendFile} on TCP (the kernel's sendfile) and TLS (read and encrypt in chunks):
 * a region of a file arrives whole, in order between the writes around it, also when {@code close()}
 * follows at once from another thread; and TLS never buffers the file much beyond the high-water mark.
 */
class SendFileTest {

    @TempDir
    Path tmp;

    private Fixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tls"})
    void aFileRegionArrivesWholeBetweenTheWritesAroundItEvenWithCloseRightAfter(String transport) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 123];
        new Random(7).nextBytes(content);
        Path file = Files.write(tmp.resolve("data.bin"), content);
        boolean tls = transport.equals("tls");
        TransportProvider provider = tls ? fixture.tls : fixture.tcp;
        Collector collector = new Collector(new byte[0]);
        Server server = await(provider.listen(
                Support.endpoint(tls ? fixture.pki.serverProperties(fixture.pki.serverKeys) : Map.of()),
                () -> collector));
        long[] maxBuffered = new long[1];
        StreamTransport client = await(provider.connect(
                server.localAddress(),
                tls ? fixture.clientEndpoint(Map.of()) : Support.endpoint(Map.of()),
                new Protocol() {
                    private StreamTransport t;

                    @Override
                    public void connectionMade(StreamTransport transport) {
                        t = transport;
                    }

                    @Override
                    public void pauseWriting() {
                        maxBuffered[0] = Math.max(maxBuffered[0], t.writeBufferSize());
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                        data.position(data.limit());
                    }

                    @Override
                    public void connectionLost(Throwable cause) {}
                }));

        CompletableFuture<Long> sent;
        try (FileChannel channel = FileChannel.open(file)) {
            client.write(ByteBuffer.wrap("before|".getBytes(StandardCharsets.US_ASCII))); // from the test thread
            sent = client.sendFile(channel, 100, content.length - 200);
            client.write(ByteBuffer.wrap("|after".getBytes(StandardCharsets.US_ASCII)));
            client.close();
            assertThat(await(sent)).isEqualTo(content.length - 200L);
        }
        byte[] got = await(collector.ended);

        byte[] expected = concat(
                "before|".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOfRange(content, 100, content.length - 100),
                "|after".getBytes(StandardCharsets.US_ASCII));
        assertThat(got.length).isEqualTo(expected.length);
        assertThat(Arrays.mismatch(got, expected)).isEqualTo(-1);
        if (tls) {
            // Encrypted a chunk at a time while under the mark: never the whole 3 MiB in memory.
            assertThat(maxBuffered[0]).isLessThan(client.writeBufferHighWater() + 256 * 1024);
        }
        await(server.close());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
