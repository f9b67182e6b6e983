package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Protocol;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stream-transport contract that every write made before {@code close()} or {@code writeEof()}
 * reaches the peer, whichever threads made them, while other writers race the close. The server greets
 * every client first (as SMTP, FTP or a TLS 1.3 session ticket do), so the client closes with input it
 * never read: a transport that simply closed its socket then sent RST and the kernel dropped the writes
 * still queued (TLS: 95 of 300 runs lost data before the transport learned to linger).
 */
class WritesBeforeCloseTest {

    private static final int REPETITIONS = 60;
    private static final int WRITERS = 4;
    /** Writes each writer has made (returned from) before the close is called. */
    private static final int BEFORE_CLOSE = 150;
    /** Each writer goes on this far, racing the close. */
    private static final int PER_WRITER = 400;

    private static final byte[] GREETING = "220 hello\r\n".repeat(64).getBytes(StandardCharsets.US_ASCII);

    private Fixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tcp, close", "tcp, writeEof", "tls, close", "tls, writeEof"})
    void writesMadeBeforeTheCloseArriveInOrderFromEveryThread(String transport, String ending) throws Exception {
        boolean tls = transport.equals("tls");
        TransportProvider provider = tls ? fixture.tls : fixture.tcp;
        Map<String, Object> serverProperties = tls ? fixture.pki.serverProperties(fixture.pki.serverKeys) : Map.of();
        for (int run = 0; run < REPETITIONS; run++) {
            Collector collector = new Collector(GREETING);
            Server server = await(provider.listen(Support.endpoint(serverProperties), () -> collector));
            try {
                StreamTransport client = await(provider.connect(
                        server.localAddress(),
                        tls ? fixture.clientEndpoint(Map.of()) : Support.endpoint(Map.of()),
                        new Ignoring()));
                int[] madeBeforeClose = raceWritersWithEnding(client, ending);
                byte[] received = await(collector.ended);

                assertEveryWriterDelivered(received, madeBeforeClose, "run " + run);
            } finally {
                await(server.close());
            }
        }
    }

    /** Starts the writers, ends the transport once each made {@link #BEFORE_CLOSE} writes, returns the counts seen then. */
    private static int[] raceWritersWithEnding(StreamTransport client, String ending) throws Exception {
        AtomicIntegerArray written = new AtomicIntegerArray(WRITERS);
        CountDownLatch enough = new CountDownLatch(WRITERS);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(
                    () -> {
                        for (int seq = 0; seq < PER_WRITER; seq++) {
                            client.write(ByteBuffer.allocate(8)
                                    .putInt(writer)
                                    .putInt(seq)
                                    .flip());
                            written.set(writer, seq + 1);
                            if (seq + 1 == BEFORE_CLOSE) {
                                enough.countDown();
                            }
                        }
                    },
                    "writer-" + w);
            t.start();
            writers.add(t);
        }
        enough.await();
        int[] before = new int[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
            before[w] = written.get(w); // each of these writes returned before the close below is called
        }
        if (ending.equals("close")) {
            client.close();
        } else {
            client.writeEof();
        }
        for (Thread t : writers) {
            t.join();
        }
        if (!ending.equals("close")) {
            client.close(); // after writeEof the peer's close ends it; this only makes sure
        }
        return before;
    }

    private static void assertEveryWriterDelivered(byte[] received, int[] madeBeforeClose, String run) {
        assertThat(received.length % 8).as(run + ": whole records").isZero();
        int[] next = new int[WRITERS];
        ByteBuffer in = ByteBuffer.wrap(received);
        while (in.hasRemaining()) {
            int writer = in.getInt();
            int seq = in.getInt();
            assertThat(seq)
                    .as(run + ": writer " + writer + " in call order, no gap")
                    .isEqualTo(next[writer]);
            next[writer]++;
        }
        for (int w = 0; w < WRITERS; w++) {
            assertThat(next[w])
                    .as(run + ": writes of writer " + w + " made before the close, received")
                    .isGreaterThanOrEqualTo(madeBeforeClose[w]);
        }
    }

    /** A client that does not read what the server sends: it stays in the socket until the close. */
    private static final class Ignoring implements Protocol {
        @Override
        public void connectionMade(StreamTransport t) {
            t.pauseReading();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void connectionLost(Throwable cause) {}
    }
}
