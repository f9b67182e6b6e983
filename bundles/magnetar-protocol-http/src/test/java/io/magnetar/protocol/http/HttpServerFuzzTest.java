package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over real TCP: each case on its own connection, written in random pieces, then the
 * client half-closes and reads until the server closes. The server must close every such connection
 * (with a reason when it refused), never fault, hold no more than the limits, and still serve after.
 */
class HttpServerFuzzTest {

    private static final int CASES = 300;

    private TestServer http;

    @BeforeEach
    void start() throws Exception {
        http = new TestServer(TestServer.testRouter(), HttpServerTest.LIMITS);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
    }

    @Test
    void hostileConnectionsAreAnsweredOrRefusedAndTheServerStillServes() throws Exception {
        HttpFuzz fuzz = new HttpFuzz(20261125L);
        for (int i = 0; i < CASES; i++) {
            byte[] input = fuzz.input();
            try (Socket s = http.connect()) {
                writeInPieces(s, fuzz.split(input));
                // Everything the server sent, up to its close: it must close, or this read times out.
                byte[] answer = readToEnd(s.getInputStream());
                assertThat(answer.length)
                        .as("case %d: %s", i, HttpFuzz.printable(input))
                        .isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(http.getPlaintext().body()).isEqualTo("Hello, World!");

        long maxHeld = (long) HttpServerTest.LIMITS.maxRequestLine()
                + HttpServerTest.LIMITS.maxHeaderBytes()
                + HttpServerTest.LIMITS.maxBody();
        List<HttpConnection> all = new ArrayList<>(http.connections);
        assertThat(all).hasSizeGreaterThanOrEqualTo(CASES);
        assertThat(all).allSatisfy(c -> {
            assertThat(c.parser().maxBuffered()).isLessThanOrEqualTo(maxHeld);
            assertThat(c.closeReason())
                    .satisfiesAnyOf(
                            r -> assertThat(r).isNull(),
                            r -> assertThat(r).matches("(400|408|413|414|431|501|505) .+"));
        });
        assertThat(all).as("some inputs were refused").anyMatch(c -> c.closeReason() != null);
    }

    private static void writeInPieces(Socket s, List<byte[]> pieces) throws IOException {
        try {
            for (byte[] piece : pieces) {
                TestServer.send(s, piece);
            }
            s.shutdownOutput();
        } catch (SocketException closedEarly) {
            // The server refused and closed while pieces were still coming: that is an answer too.
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // A reset ends the stream as well.
        }
        return all.toByteArray();
    }
}
