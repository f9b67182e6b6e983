package io.magnetar.protocol.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.magnetar.protocol.echo.EchoFraming;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The echo server's framing (messages ended by {@code \r\n\r\n}, at most 256 bytes here) fed in chunks.
 * Contract: what it writes back is exactly what it read, up to the end of the last whole message, in
 * order; a message over the limit closes the connection, never anything else.
 */
public class EchoFuzz {

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        FakeTransport t = new FakeTransport(
                        new ManualLoop(), new EchoServerConnection(() -> new EchoServerConsumer(256)), true)
                .connect();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        while (data.remainingBytes() > 0 && !t.isLost() && !t.isClosing()) {
            byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 120));
            in.writeBytes(chunk);
            try {
                t.receive(ByteBuffer.wrap(chunk));
            } catch (EchoFraming.MessageTooLongException closes) {
                break; // the documented refusal: a transport closes the connection on it
            }
        }
        byte[] out = t.takeOutput();
        byte[] all = in.toByteArray();
        assertThat(out.length).isLessThanOrEqualTo(all.length);
        assertThat(Arrays.copyOf(all, out.length)).isEqualTo(out);
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
