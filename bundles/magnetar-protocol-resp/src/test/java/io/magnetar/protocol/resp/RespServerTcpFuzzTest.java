package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.internal.RespFuzz;
import io.magnetar.protocol.resp.internal.RespServerConnection;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over real TCP: each case on its own connection, written in random pieces, then the
 * client half-closes and reads until the server closes. The server must close every such connection
 * (with a protocol-error reason when it refused), never fault, hold no more than the limits, and still
 * serve the Magnetar client afterwards.
 */
class RespServerTcpFuzzTest {

    private static final int CASES = 300;
    private static final RespServerLimits LIMITS = new RespServerLimits(256, 16, 128, 1024);

    private MagnetarRespServer resp;

    @BeforeEach
    void start() throws Exception {
        resp = new MagnetarRespServer(LIMITS);
    }

    @AfterEach
    void stop() throws Exception {
        resp.close();
    }

    @Test
    void hostileConnectionsAreAnsweredOrRefusedAndTheServerStillServes() throws Exception {
        RespFuzz fuzz = new RespFuzz(20261125L);
        for (int i = 0; i < CASES; i++) {
            byte[] input = fuzz.input();
            try (Socket s = resp.connect()) {
                writeInPieces(s, fuzz.split(input));
                // Everything the server sent, up to its close: it must close, or this read times out.
                RespServerTest.readToEnd(s.getInputStream());
            }
        }
        RedisClient redis = resp.client(b -> b.poolSize(1));
        assertThat(redis.ping().get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
        assertThat(redis.set("after", "fuzz").get(10, TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(redis.get("after").get(10, TimeUnit.SECONDS)).isEqualTo("fuzz");

        List<RespServerConnection> all = new ArrayList<>(resp.connections);
        assertThat(all).hasSizeGreaterThan(CASES);
        assertThat(all).allSatisfy(c -> {
            assertThat(c.peakArena()).isLessThanOrEqualTo(LIMITS.maxFrameBytes());
            assertThat(c.peakArgs()).isLessThanOrEqualTo(LIMITS.maxArgs());
            assertThat(c.closeReason())
                    .satisfiesAnyOf(
                            r -> assertThat(r).isNull(), r -> assertThat(r).startsWith("Protocol error: "));
        });
        assertThat(all).as("some inputs were refused").anyMatch(c -> c.closeReason() != null);
    }

    private static void writeInPieces(Socket s, List<byte[]> pieces) throws IOException {
        try {
            for (byte[] piece : pieces) {
                s.getOutputStream().write(piece);
                s.getOutputStream().flush();
            }
            s.shutdownOutput();
        } catch (SocketException closedEarly) {
            // The server refused and closed while pieces were still coming: that is an answer too.
        }
    }
}
