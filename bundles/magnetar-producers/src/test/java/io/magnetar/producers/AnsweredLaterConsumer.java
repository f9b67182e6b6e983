package io.magnetar.producers;

import io.magnetar.protocols.ProtocolConsumer;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Test consumer shaped like an asynchronous handler: takes one '\n'-terminated line, pauses reading
 * (what the client sends next stays unread in the socket) and answers only when {@link #answer} is
 * called. Reading stays paused afterwards: the tests drain the server, whose close resumes it.
 */
final class AnsweredLaterConsumer extends ProtocolConsumer {

    private final Consumer<AnsweredLaterConsumer> waiting;

    AnsweredLaterConsumer(Consumer<AnsweredLaterConsumer> waiting) {
        this.waiting = waiting;
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        while (data.hasRemaining()) {
            if (data.get() == '\n') {
                connection().transport().pauseReading();
                waiting.accept(this);
                return;
            }
        }
    }

    /** Writes {@code reply} and finishes the exchange, on the loop. Thread-safe. */
    void answer(byte[] reply) {
        connection().transport().loop().execute(() -> {
            write(ByteBuffer.wrap(reply));
            finished(reply.length);
        });
    }
}
