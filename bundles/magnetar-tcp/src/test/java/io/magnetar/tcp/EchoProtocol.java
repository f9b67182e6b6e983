package io.magnetar.tcp;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes every received byte back, and records the callbacks it hears so the test thread can
 * assert on them. Subclasses change single callbacks.
 */
class EchoProtocol implements Protocol {

    final CompletableFuture<StreamTransport> made = new CompletableFuture<>();
    /** Completes with the cause given to connectionLost ({@code null} on a regular close). */
    final CompletableFuture<Throwable> lost = new CompletableFuture<>();

    final AtomicInteger lostCalls = new AtomicInteger();
    final AtomicInteger eofCalls = new AtomicInteger();
    final AtomicInteger pauseCalls = new AtomicInteger();
    final AtomicInteger resumeCalls = new AtomicInteger();
    volatile StreamTransport transport;

    @Override
    public void connectionMade(StreamTransport t) {
        transport = t;
        made.complete(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        transport.write(copy(data));
    }

    @Override
    public boolean eofReceived() {
        eofCalls.incrementAndGet();
        return false;
    }

    @Override
    public void pauseWriting() {
        pauseCalls.incrementAndGet();
    }

    @Override
    public void resumeWriting() {
        resumeCalls.incrementAndGet();
    }

    @Override
    public void connectionLost(Throwable cause) {
        lostCalls.incrementAndGet();
        lost.complete(cause);
    }

    /** A heap copy of what is left in {@code data}: the transport's read buffer is reused. */
    static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        return copy;
    }
}
