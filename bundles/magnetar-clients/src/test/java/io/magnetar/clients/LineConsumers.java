package io.magnetar.clients;

import io.magnetar.protocols.ProtocolConsumer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** A toy line protocol over real sockets: the client sends a line, the server sends it back. */
final class LineConsumers {

    private LineConsumers() {}

    /** Collects bytes up to a newline; returns the line without it, or null if none is complete yet. */
    private static String line(ByteArrayOutputStream buffer, ByteBuffer data) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b == '\n') {
                return buffer.toString(StandardCharsets.UTF_8);
            }
            buffer.write(b);
        }
        return null;
    }

    /** Writes the request as a line; finishes with the line that comes back. */
    static final class Client extends ProtocolConsumer {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        @Override
        protected void startRequest() {
            write(ByteBuffer.wrap((request() + "\n").getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        protected void dataReceived(ByteBuffer data) {
            String line = line(buffer, data);
            if (line != null) {
                finished(line);
            }
        }
    }

    /** Echoes each line; the line {@code hold} is answered only once {@code gate} completes. */
    static final class Server extends ProtocolConsumer {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<Void> gate;

        Server(CompletableFuture<Void> gate) {
            this.gate = gate;
        }

        @Override
        protected void dataReceived(ByteBuffer data) {
            String line = line(buffer, data);
            if (line == null) {
                return;
            }
            Runnable answer = () -> {
                write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                finished(line);
            };
            if (line.equals("hold")) {
                gate.thenRun(() -> transport().loop().execute(answer));
            } else {
                answer.run();
            }
        }
    }
}
