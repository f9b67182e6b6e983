package io.magnetar.clients;

import io.magnetar.api.EventLoop;
import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-VM stream transport on a real event loop: what the protocol writes is recorded, what the test
 * "receives" is delivered on the loop, and the peer can close it. Lets pool tests control exactly
 * when a connection dies, without sockets.
 */
final class LocalTransport implements StreamTransport {

    private final EventLoop loop;
    private final Protocol protocol;
    final List<String> written = new CopyOnWriteArrayList<>();
    private volatile boolean closing;
    private boolean lost;

    LocalTransport(EventLoop loop, Protocol protocol) {
        this.loop = loop;
        this.protocol = protocol;
    }

    /** Calls connectionMade on the loop. */
    void start() {
        onLoop(() -> protocol.connectionMade(this));
    }

    /** The peer sends {@code text}. */
    void deliver(String text) {
        onLoop(() -> protocol.dataReceived(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** The peer closes: EOF, then the connection is lost. */
    void peerClose() {
        onLoop(() -> {
            protocol.eofReceived();
            end();
        });
    }

    /**
     * The window between the socket dying and {@code connectionLost} running: the transport already
     * says it is closing, but nobody has been told yet.
     */
    void markClosingOnly() {
        closing = true;
    }

    private void end() {
        if (!lost) {
            lost = true;
            closing = true;
            protocol.connectionLost(null);
        }
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        written.add(new String(b, StandardCharsets.UTF_8));
    }

    /** Reads the region into the heap and writes it: a test transport has no sendfile. */
    @Override
    public java.util.concurrent.CompletableFuture<Long> sendFile(
            java.nio.channels.FileChannel file, long position, long count) {
        try {
            java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate((int) count);
            while (all.hasRemaining()) {
                if (file.read(all, position + all.position()) < 0) {
                    throw new java.io.EOFException("file ended");
                }
            }
            write(all.flip());
            return java.util.concurrent.CompletableFuture.completedFuture(count);
        } catch (java.io.IOException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void writeLines(ByteBuffer... data) {
        for (ByteBuffer b : data) {
            write(b);
        }
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void pauseReading() {}

    @Override
    public void resumeReading() {}

    @Override
    public boolean isReading() {
        return !closing;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {}

    @Override
    public long writeBufferSize() {
        return 0;
    }

    @Override
    public int writeBufferHighWater() {
        return DEFAULT_HIGH_WATER;
    }

    @Override
    public int writeBufferLowWater() {
        return DEFAULT_HIGH_WATER / 4;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Object extraInfo(String key) {
        return null;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void close() {
        onLoop(this::end);
    }

    @Override
    public void abort() {
        onLoop(this::end);
    }
}
