package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close_notify both ways, writeEof, and flow control with the same semantics as TCP. */
@Timeout(60)
class TlsCloseAndFlowControlTest {

    private Fixture fixture;
    private TestPki pki;

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
        pki = fixture.pki;
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private SSLSocket client(Server server, String... protocols) throws Exception {
        return Support.jdkClient(server.localAddress(), Support.jdkContext(pki.trustStore, null), protocols);
    }

    @Test
    void closeNotifyFromThePeerIsEofThenACleanConnectionLost() throws Exception {
        RecordingProtocol serverSide = RecordingProtocol.collector();
        CompletableFuture<byte[]> received = serverSide.expect(5);
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> serverSide);
        try (SSLSocket client = client(server)) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            await(received);
        } // SSLSocket.close() sends close_notify

        assertThat(await(serverSide.lost)).isNull();
        assertThat(serverSide.events).containsExactly("made", "data", "eof", "lost");
    }

    @Test
    void closeSendsCloseNotifyAfterTheDataWritten() throws Exception {
        byte[] payload = Support.payload(1024 * 1024);
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> new RecordingProtocol(false, false) {
            @Override
            public void connectionMade(StreamTransport t) {
                super.connectionMade(t);
                t.write(ByteBuffer.wrap(payload));
                t.close();
            }
        });
        try (SSLSocket client = client(server)) {
            Support.Ending end = Support.readToEnd(client);

            assertThat(end.error()).as("a clean close_notify, not a reset").isNull();
            assertThat(Arrays.mismatch(end.bytes(), payload)).isEqualTo(-1);
        }
    }

    @Test
    void writeEofSendsCloseNotifyAfterFlushingAndKeepsReading() throws Exception {
        byte[] payload = Support.payload(2 * 1024 * 1024);
        CompletableFuture<byte[]> after = new CompletableFuture<>();
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> {
            RecordingProtocol p = new RecordingProtocol(false, false) {
                @Override
                public void connectionMade(StreamTransport t) {
                    super.connectionMade(t);
                    t.write(ByteBuffer.wrap(payload));
                    t.writeEof();
                }
            };
            p.expect(5).thenAccept(after::complete);
            return p;
        });
        try (SSLSocket client = client(server, "TLSv1.3")) {
            byte[] got = client.getInputStream().readNBytes(payload.length);
            assertThat(client.getInputStream().read())
                    .as("close_notify reads as EOF")
                    .isEqualTo(-1);
            assertThat(Arrays.mismatch(got, payload)).isEqualTo(-1);

            // TLS 1.3 close is a half-close: the client may still write and the server still reads.
            client.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertThat(new String(await(after), StandardCharsets.US_ASCII)).isEqualTo("after");
        }
    }

    @Test
    void keepsTheTransportOpenForWritingWhenEofReceivedSaysSo() throws Exception {
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> new RecordingProtocol(false, true) {
            @Override
            public boolean eofReceived() {
                boolean keep = super.eofReceived();
                transport.write(ByteBuffer.wrap("goodbye".getBytes(StandardCharsets.US_ASCII)));
                transport.close();
                return keep;
            }
        });
        try (SSLSocket client = client(server, "TLSv1.3")) {
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput(); // close_notify on a TLS 1.3 half-close

            Support.Ending end = Support.readToEnd(client);

            assertThat(end.error()).isNull();
            assertThat(new String(end.bytes(), StandardCharsets.US_ASCII)).isEqualTo("goodbye");
        }
    }

    @Test
    void pauseReadingStopsDataReceivedUntilResumeReading() throws Exception {
        byte[] payload = Support.payload(256 * 1024);
        CompletableFuture<Integer> firstChunk = new CompletableFuture<>();
        RecordingProtocol serverSide = new RecordingProtocol(false, false) {
            private boolean paused;

            @Override
            public void dataReceived(ByteBuffer data) {
                int size = data.remaining();
                super.dataReceived(data);
                if (!paused) {
                    paused = true;
                    transport.pauseReading(); // inside the first callback: nothing more may arrive
                    firstChunk.complete(size);
                }
            }
        };
        CompletableFuture<byte[]> all = serverSide.expect(payload.length);
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> serverSide);
        try (SSLSocket client = client(server)) {
            CompletableFuture<Void> written = Support.writeAsync(client, payload);
            int first = await(firstChunk);
            StreamTransport t = await(serverSide.made);

            // Checked on the loop after the read that delivered the first chunk has finished.
            CompletableFuture<Boolean> stillPaused = new CompletableFuture<>();
            t.loop().execute(() -> stillPaused.complete(!t.isReading() && !all.isDone()));
            assertThat(await(stillPaused)).isTrue();
            assertThat(first).isLessThan(payload.length);

            t.resumeReading();
            assertThat(Arrays.mismatch(await(all), payload)).isEqualTo(-1);
            await(written);
        }
    }

    @Test
    void passesPauseWritingAndResumeWritingOnFromThePlainTransport() throws Exception {
        byte[] payload = Support.payload(8 * 1024 * 1024);
        CompletableFuture<Long> bufferedAtPause = new CompletableFuture<>();
        CompletableFuture<Void> resumed = new CompletableFuture<>();
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> new RecordingProtocol(false, false) {
            @Override
            public void connectionMade(StreamTransport t) {
                super.connectionMade(t);
                t.write(ByteBuffer.wrap(payload)); // far more than the socket takes while nobody reads
            }

            @Override
            public void pauseWriting() {
                super.pauseWriting();
                bufferedAtPause.complete(transport.writeBufferSize());
            }

            @Override
            public void resumeWriting() {
                super.resumeWriting();
                assertThat(transport.writeBufferSize()).isLessThanOrEqualTo(transport.writeBufferLowWater());
                resumed.complete(null);
            }
        });
        try (SSLSocket client = client(server)) {
            client.startHandshake();
            long buffered = await(bufferedAtPause);
            assertThat(buffered).isGreaterThan(StreamTransport.DEFAULT_HIGH_WATER);

            byte[] got = client.getInputStream().readNBytes(payload.length);

            await(resumed);
            assertThat(Arrays.mismatch(got, payload)).isEqualTo(-1);
        }
    }

    @Test
    void writesFromAnotherThreadArriveInCallOrder() throws Exception {
        RecordingProtocol serverSide = RecordingProtocol.collector();
        Server server = fixture.listen(pki.serverProperties(pki.serverKeys), () -> serverSide);
        RecordingProtocol clientSide = RecordingProtocol.collector();
        StreamTransport t = await(
                fixture.tls.connect(server.localAddress(), fixture.clientEndpoint(java.util.Map.of()), clientSide));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            expected.append(i).append(',');
        }
        CompletableFuture<byte[]> received = serverSide.expect(expected.length());

        for (int i = 0; i < 1000; i++) {
            t.write(ByteBuffer.wrap((i + ",").getBytes(StandardCharsets.US_ASCII))); // test thread: off-loop
        }
        t.close();

        assertThat(new String(await(received), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
        assertThat(await(clientSide.lost)).isNull();
    }
}
