package io.magnetar.tls;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A protocol that records its callbacks and the bytes it receives, and optionally echoes them.
 * {@link #expect(int)} completes once that many bytes arrived (or the connection ended).
 */
class RecordingProtocol implements Protocol {

    final CompletableFuture<StreamTransport> made = new CompletableFuture<>();
    final CompletableFuture<Void> eof = new CompletableFuture<>();
    /** Completes with the cause of connectionLost ({@code null} for a clean close). */
    final CompletableFuture<Throwable> lost = new CompletableFuture<>();
    /** Callback names in order, to check the grammar. */
    final List<String> events = new CopyOnWriteArrayList<>();

    private final boolean echo;
    private final boolean keepOpenOnEof;
    /** Loop-confined. */
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private volatile CompletableFuture<byte[]> expected;
    private volatile int expectedSize;
    StreamTransport transport;

    RecordingProtocol(boolean echo, boolean keepOpenOnEof) {
        this.echo = echo;
        this.keepOpenOnEof = keepOpenOnEof;
    }

    static RecordingProtocol echo() {
        return new RecordingProtocol(true, false);
    }

    static RecordingProtocol collector() {
        return new RecordingProtocol(false, false);
    }

    /** Completes with all bytes received once there are at least {@code size}. Call before they arrive. */
    CompletableFuture<byte[]> expect(int size) {
        expectedSize = size;
        expected = new CompletableFuture<>();
        return expected;
    }

    @Override
    public void connectionMade(StreamTransport t) {
        events.add("made");
        transport = t;
        made.complete(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (!events.get(events.size() - 1).equals("data")) {
            events.add("data");
        }
        if (echo) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data.duplicate()).flip();
            transport.write(copy);
        }
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        received.writeBytes(chunk);
        CompletableFuture<byte[]> e = expected;
        if (e != null && received.size() >= expectedSize) {
            e.complete(received.toByteArray());
        }
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        eof.complete(null);
        return keepOpenOnEof;
    }

    @Override
    public void pauseWriting() {
        events.add("pauseWriting");
    }

    @Override
    public void resumeWriting() {
        events.add("resumeWriting");
    }

    @Override
    public void connectionLost(Throwable cause) {
        events.add("lost");
        CompletableFuture<byte[]> e = expected;
        if (e != null) {
            e.complete(received.toByteArray());
        }
        lost.complete(cause);
    }
}
