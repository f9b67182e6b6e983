package io.magnetar.tcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps what it receives instead of echoing it; {@link #received} completes once {@code expected}
 * bytes arrived or the connection ends, with everything received so far.
 */
class CollectingProtocol extends EchoProtocol {

    final CompletableFuture<byte[]> received = new CompletableFuture<>();
    private final int expected;
    /** Loop-confined. */
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    CollectingProtocol(int expected) {
        this.expected = expected;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        bytes.writeBytes(chunk);
        if (bytes.size() >= expected) {
            received.complete(bytes.toByteArray());
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        received.complete(bytes.toByteArray());
        super.connectionLost(cause);
    }
}
