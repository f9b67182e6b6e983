package io.magnetar.itests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.magnetar.protocol.echo.EchoFraming;
import io.magnetar.protocol.echo.EchoFraming.MessageTooLongException;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocols.Connection;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated bytes, split at random boundaries, into the echo framing and an echo server. The
 * expected result comes from a plain model: split the stream at every {@code \r\n\r\n}; a message longer
 * than the limit ends the connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoFuzzIT {

    private static final int MAX = 4096;
    private static final long SEED = 20261125L;

    @Test
    void echoFramingYieldsExactlyTheSeparatedMessagesOrRefusesAnOversizedOneWithinItsLimit() {
        Random random = new Random(SEED);
        int frames = 0;
        int refused = 0;
        for (int c = 0; c < 2_000; c++) {
            byte[] stream = hostileStream(random);
            Model model = Model.of(stream, MAX);
            EchoFraming framing = new EchoFraming(MAX);
            List<byte[]> got = new ArrayList<>();
            boolean threw = false;
            int offset = 0;
            while (offset < stream.length && !threw) {
                int n = 1 + random.nextInt(Math.min(stream.length - offset, random.nextBoolean() ? 7 : 3000));
                ByteBuffer chunk = ByteBuffer.wrap(stream, offset, n);
                try {
                    ByteBuffer m;
                    while ((m = framing.feed(chunk)) != null) {
                        byte[] bytes = new byte[m.remaining()];
                        m.get(bytes);
                        got.add(bytes);
                    }
                } catch (MessageTooLongException e) {
                    threw = true;
                    // Refused while the oversized message arrives, not after buffering what follows it.
                    assertThat(chunk.position()).isLessThanOrEqualTo(model.oversizedAt + 1);
                }
                offset += n;
            }
            assertThat(threw).as("case %d refused", c).isEqualTo(model.oversized);
            assertThat(got)
                    .as("case %d frames", c)
                    .usingElementComparator(Arrays::compare)
                    .isEqualTo(model.frames);
            frames += got.size();
            refused += threw ? 1 : 0;
        }
        System.out.printf(
                "echo framing fuzz: 2000 streams, %d frames, %d refused as oversized, 0 other errors%n",
                frames, refused);
    }

    @Test
    void echoFramingAllocatesAtMostTwiceItsLimitForAMessageThatNeverEnds() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int max = 64 * 1024;
        EchoFraming framing = new EchoFraming(max);
        byte[] flood = new byte[16 * 1024];
        Arrays.fill(flood, (byte) 'x');
        framing.feed(ByteBuffer.wrap(new byte[] {'w', 'a', 'r', 'm', '\r', '\n', '\r', '\n'}));
        ByteBuffer[] chunks = new ByteBuffer[1024]; // 16 MiB offered, wrapped before counting
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = ByteBuffer.wrap(flood);
        }
        MessageTooLongException refused = null;
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            for (ByteBuffer chunk : chunks) {
                framing.feed(chunk);
            }
        } catch (MessageTooLongException e) {
            refused = e;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(refused).isNotNull().hasMessageContaining(Integer.toString(max));
        System.out.printf(
                "echo framing flood: 16 MiB without separator refused after %d bytes allocated" + " (limit %d)%n",
                allocated, max);
        // Doubling growth up to the limit (at most twice the limit), plus the exception and its stack trace.
        assertThat(allocated).isLessThan(2L * (max + EchoFraming.SEPARATOR.length) + 16 * 1024);
    }

    @Test
    void echoServerAnswersOrClosesWithAReasonOnHostileBytesAndKeepsServing() throws Exception {
        Random random = new Random(SEED + 1);
        try (EchoService echo =
                new EchoService("fuzz", 1, () -> new Connection(() -> new EchoServerConsumer(MAX)), b -> {})) {
            int cases = 300;
            int closedOversized = 0;
            for (int c = 0; c < cases; c++) {
                byte[] stream = hostileStream(random);
                Model model = Model.of(stream, MAX);
                Clients.Ending end;
                try (Socket s = Clients.connect(echo.port())) {
                    OutputStream out = s.getOutputStream();
                    try {
                        for (int offset = 0; offset < stream.length; ) {
                            int n = 1 + random.nextInt(Math.min(stream.length - offset, 1500));
                            out.write(stream, offset, n);
                            offset += n;
                        }
                        s.shutdownOutput();
                    } catch (java.net.SocketException e) {
                        // the server refused an oversized message and closed: what follows is not wanted
                    }
                    end = Clients.readToEnd(s);
                }
                byte[] expected = model.echo();
                if (model.oversized || model.quit) {
                    // Echoes written before the refusal may be cut by the close; never anything else.
                    assertThat(expected)
                            .as("case %d", c)
                            .startsWith(
                                    end.bytes().length == 0
                                            ? new byte[0]
                                            : Arrays.copyOf(
                                                    end.bytes(), Math.min(end.bytes().length, expected.length)));
                    assertThat(end.bytes().length).isLessThanOrEqualTo(expected.length);
                    closedOversized += model.oversized ? 1 : 0;
                } else {
                    assertThat(end.reset()).as("case %d reset", c).isFalse();
                    assertThat(end.bytes()).as("case %d echo", c).isEqualTo(expected);
                }
            }
            Bounded.until("every fuzz connection lost", () -> echo.stats.lost.get() == cases);
            // Every connection ended cleanly or with the framing's reason; nothing else escaped a callback.
            assertThat(echo.stats.causes)
                    .allSatisfy(cause -> assertThat(cause)
                            .isInstanceOfAny(MessageTooLongException.class, java.io.IOException.class));
            long tooLong = echo.stats.causes.stream()
                    .filter(MessageTooLongException.class::isInstance)
                    .count();
            System.out.printf(
                    "echo server fuzz: %d hostile connections, %d refused as oversized (%d closed with"
                            + " MessageTooLongException), 0 other errors; still serving%n",
                    cases, closedOversized, tooLong);
            assertThat(tooLong).isGreaterThan(0);
            assertThat(Clients.echo(echo.port(), "still here")).isEqualTo("still here");
        }
    }

    /** Random bytes over an alphabet rich in separator bytes, or a valid stream with mutations. */
    private static byte[] hostileStream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(4)) {
            case 0 -> { // pure noise, mostly separator-ish bytes
                byte[] alphabet = {'\r', '\n', 'a', 'Q', 0, (byte) 0xff};
                int n = random.nextInt(3 * MAX);
                for (int i = 0; i < n; i++) {
                    out.write(random.nextInt(3) == 0 ? random.nextInt(256) : alphabet[random.nextInt(alphabet.length)]);
                }
            }
            case 1 -> { // one message just under, at, or over the limit
                int n = MAX - 2 + random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    out.write('m');
                }
                out.writeBytes(Clients.SEPARATOR);
            }
            default -> { // valid messages, then flipped, dropped or duplicated bytes
                int messages = 1 + random.nextInt(20);
                for (int m = 0; m < messages; m++) {
                    byte[] body = new byte[random.nextInt(random.nextInt(10) == 0 ? 2 * MAX : 200)];
                    random.nextBytes(body);
                    out.writeBytes(body);
                    out.writeBytes(Clients.SEPARATOR);
                }
                byte[] bytes = out.toByteArray();
                for (int k = random.nextInt(8); k > 0 && bytes.length > 0; k--) {
                    bytes[random.nextInt(bytes.length)] = (byte) "\r\n\r\nx".charAt(random.nextInt(5));
                }
                return bytes;
            }
        }
        return out.toByteArray();
    }

    /** What a correct framing does with a whole stream. */
    private static final class Model {
        final List<byte[]> frames = new ArrayList<>();
        boolean oversized;
        boolean quit;
        int oversizedAt = -1;

        static Model of(byte[] stream, int max) {
            Model m = new Model();
            int start = 0;
            for (int i = 0; i < stream.length; i++) {
                if (i - start >= 3
                        && stream[i] == '\n'
                        && stream[i - 1] == '\r'
                        && stream[i - 2] == '\n'
                        && stream[i - 3] == '\r') {
                    m.frames.add(Arrays.copyOfRange(stream, start, i - 3));
                    start = i + 1;
                } else if (i + 1 - start > max + 3) {
                    // max message bytes plus three separator bytes seen, and the fourth is not '\n'
                    m.oversized = true;
                    m.oversizedAt = i;
                    return m;
                }
            }
            return m;
        }

        /** The server's replies: each frame and a separator, up to and including a {@code QUIT}. */
        byte[] echo() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] f : frames) {
                out.writeBytes(f);
                out.writeBytes(Clients.SEPARATOR);
                if (Arrays.equals(f, new byte[] {'Q', 'U', 'I', 'T'})) {
                    quit = true;
                    break;
                }
            }
            return out.toByteArray();
        }
    }
}
