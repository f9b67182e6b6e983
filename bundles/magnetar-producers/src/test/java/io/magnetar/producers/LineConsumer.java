package io.magnetar.producers;

import io.magnetar.protocols.ProtocolConsumer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Test consumer: one exchange per '\n'-terminated line, answered with the line. A line "BOOM"
 * throws, a line "SLOW" starts an exchange that only finishes on the next byte.
 */
final class LineConsumer extends ProtocolConsumer {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    protected void dataReceived(ByteBuffer data) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.equals("BOOM")) {
                throw new IllegalArgumentException("malformed line BOOM");
            }
            if (text.equals("HOLD")) {
                // stays in progress: the exchange never finishes by itself
                return;
            }
            write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)));
            finished(text);
            return;
        }
    }
}
