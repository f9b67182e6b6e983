package io.magnetar.tls;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A server protocol that greets with {@code greeting} (none when empty), then collects every byte until
 * the peer's EOF or the end of the connection: {@link #ended} completes with them.
 */
final class Collector implements Protocol {

    final CompletableFuture<byte[]> ended = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final byte[] greeting;

    Collector(byte[] greeting) {
        this.greeting = greeting;
    }

    @Override
    public void connectionMade(StreamTransport t) {
        if (greeting.length > 0) {
            t.write(ByteBuffer.wrap(greeting));
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        received.writeBytes(chunk);
    }

    @Override
    public boolean eofReceived() {
        ended.complete(received.toByteArray());
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        ended.complete(received.toByteArray()); // a reset before EOF: what came is all there is
    }
}
