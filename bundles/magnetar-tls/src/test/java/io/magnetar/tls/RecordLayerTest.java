package io.magnetar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.producers.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 8446 section 5.1 on the record layer: zero-length handshake records are refused at once with a
 * fatal unexpected_message alert, instead of holding the connection until the handshake timeout (10 s)
 * as the JDK's engine alone does.
 */
class RecordLayerTest {

    private final Fixture fixture = new Fixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void zeroLengthHandshakeRecordsAreRefusedAtOnceWithAnAlert() throws Exception {
        TcpServer server = fixture.echoServer();
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            byte[] empty = {22, 3, 3, 0, 0};
            long begin = System.nanoTime();
            try {
                for (int i = 0; i < 1000; i++) {
                    out.write(empty);
                }
                out.flush();
            } catch (java.io.IOException closedWhileSending) {
                // refused before all of them were sent
            }
            byte[] got = readUntilEof(s.getInputStream());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            assertThat(got).startsWith(21, 3, 3, 0, 2, 2, 10);
            assertThat(tookMs)
                    .as("closed long before the 10 s handshake timeout")
                    .isLessThan(3_000);
        }
    }

    private static byte[] readUntilEof(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the alert: what came before it counts
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after 5 s; received " + b.size() + " bytes", e);
        }
        return b.toByteArray();
    }
}
