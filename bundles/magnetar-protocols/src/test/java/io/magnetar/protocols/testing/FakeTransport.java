package io.magnetar.protocols.testing;

import io.magnetar.api.EventLoop;
import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Shared by the protocol bundles' tests (this module's test-jar). A {@link StreamTransport} in memory on a
 * {@link ManualLoop}: records what the protocol writes, feeds
 * it bytes as heap or direct buffers (the loop's read buffer is direct), and lets a test say when the
 * write buffer crosses its water marks.
 */
public final class FakeTransport implements StreamTransport {

    private final ManualLoop loop;
    private final Protocol protocol;
    private final boolean recordOutput;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private long bytesWritten;
    private int writes;
    private boolean closing;
    private boolean eofWritten;
    private boolean reading = true;
    private boolean lost;

    public FakeTransport(ManualLoop loop, Protocol protocol) {
        this(loop, protocol, true);
    }

    /** {@code recordOutput} false only counts output bytes (allocation measurements). */
    public FakeTransport(ManualLoop loop, Protocol protocol, boolean recordOutput) {
        this.loop = loop;
        this.protocol = protocol;
        this.recordOutput = recordOutput;
    }

    public FakeTransport connect() {
        protocol.connectionMade(this);
        return this;
    }

    public void receive(String text) {
        receive(text.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    public void receive(byte[] bytes, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        b.put(bytes).flip();
        receive(b);
    }

    public void receive(ByteBuffer b) {
        if (!lost && !closing) {
            protocol.dataReceived(b);
        }
    }

    /** The peer half-closed: the transport closes unless the protocol keeps it. */
    public void receiveEof() {
        if (!lost && !closing && !protocol.eofReceived()) {
            close();
        }
    }

    /** The write buffer went over its high-water mark. */
    public void fillWriteBuffer() {
        protocol.pauseWriting();
    }

    /** The write buffer drained. */
    public void drainWriteBuffer() {
        protocol.resumeWriting();
    }

    /** Everything written so far, then forgotten. */
    public byte[] takeOutput() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }

    public String takeText() {
        return new String(takeOutput(), StandardCharsets.ISO_8859_1);
    }

    public int writes() {
        return writes;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public boolean eofWritten() {
        return eofWritten;
    }

    public boolean isLost() {
        return lost;
    }

    @Override
    public void write(ByteBuffer data) {
        if (closing || eofWritten) {
            return;
        }
        writes++;
        bytesWritten += data.remaining();
        if (recordOutput) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            written.writeBytes(b);
        } else {
            data.position(data.limit());
        }
    }

    @Override
    public void writeCopy(ByteBuffer data) {
        write(data);
        data.position(data.limit());
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
        return true;
    }

    @Override
    public void writeEof() {
        eofWritten = true;
    }

    @Override
    public void pauseReading() {
        reading = false;
    }

    @Override
    public void resumeReading() {
        reading = true;
    }

    @Override
    public boolean isReading() {
        return reading && !closing;
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
        if (PEERNAME.equals(key)) {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
        return SOCKNAME.equals(key) ? new InetSocketAddress("127.0.0.1", 6379) : null;
    }

    @Override
    public boolean isClosing() {
        return closing || lost;
    }

    @Override
    public void close() {
        if (!closing) {
            closing = true;
            if (!lost) {
                lost = true;
                protocol.connectionLost(null);
            }
        }
    }

    @Override
    public void abort() {
        close();
    }
}
