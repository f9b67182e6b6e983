package io.magnetar.clients;

import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Client consumer of a toy protocol: writes the request text; any bytes that come back finish it. */
final class TextConsumer extends ProtocolConsumer {

    @Override
    protected void startRequest() {
        write(ByteBuffer.wrap(String.valueOf(request()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        finished(new String(b, StandardCharsets.UTF_8));
    }
}
