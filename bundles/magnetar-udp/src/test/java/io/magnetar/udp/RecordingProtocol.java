package io.magnetar.udp;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records what its transport tells it: datagrams (copied), errors, flow control, loss, and the thread
 * each callback ran on. With {@code echo} it also sends every datagram back to its sender.
 */
class RecordingProtocol implements DatagramProtocol {

    /** One datagram as received. */
    record Datagram(byte[] data, SocketAddress from) {}

    final CompletableFuture<DatagramTransport> made = new CompletableFuture<>();
    final CompletableFuture<Throwable> lost = new CompletableFuture<>();
    final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
    final BlockingQueue<Exception> errors = new LinkedBlockingQueue<>();
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicInteger lostCalls = new AtomicInteger();
    final AtomicLong received = new AtomicLong();
    /** Set when a callback ran off the transport's loop. */
    volatile String offLoop;

    private final boolean echo;
    private final boolean keep;
    volatile DatagramTransport transport;

    RecordingProtocol() {
        this(false, true);
    }

    /** {@code keep == false} only counts datagrams, for bulk tests. */
    RecordingProtocol(boolean echo, boolean keep) {
        this.echo = echo;
        this.keep = keep;
    }

    static RecordingProtocol echo() {
        return new RecordingProtocol(true, true);
    }

    @Override
    public void connectionMade(DatagramTransport t) {
        transport = t;
        checkLoop("connectionMade");
        made.complete(t);
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress address) {
        checkLoop("datagramReceived");
        received.incrementAndGet();
        if (!keep && !echo) {
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        if (keep) {
            datagrams.add(new Datagram(bytes, address));
        }
        if (echo) {
            transport.sendTo(ByteBuffer.wrap(bytes), transport.isConnected() ? null : address);
        }
    }

    @Override
    public void errorReceived(Exception error) {
        checkLoop("errorReceived");
        errors.add(error);
    }

    @Override
    public void pauseWriting() {
        checkLoop("pauseWriting");
        pauses.incrementAndGet();
    }

    @Override
    public void resumeWriting() {
        checkLoop("resumeWriting");
        resumes.incrementAndGet();
    }

    @Override
    public void connectionLost(Throwable cause) {
        checkLoop("connectionLost");
        lostCalls.incrementAndGet();
        lost.complete(cause);
    }

    private void checkLoop(String callback) {
        DatagramTransport t = transport;
        if (t != null && !t.loop().inEventLoop()) {
            offLoop = callback + " on " + Thread.currentThread().getName();
        }
    }
}
