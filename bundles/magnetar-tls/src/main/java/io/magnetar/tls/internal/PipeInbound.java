package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The read side of one {@link SslPipe}: the ciphertext kept between receives, the buffer records are
 * decrypted into, and whether reading is paused, stopped for good, or over because the peer's
 * {@code close_notify} arrived. Decrypts records, hands their bytes to the {@link SslPipe.Peer}, and lets
 * the {@link PipeHandshake} go on after each record.
 *
 * <p>Confined to its pipe's thread.
 */
final class PipeInbound {

    private final SSLEngine engine;
    private final SslPipe.Peer peer;
    private final RecordOutput out;
    private final PipeHandshake handshake;

    /** Decrypted bytes, during {@link #unwrapAll} only: the thread's shared buffer when free. */
    private ByteBuffer appIn;
    /** Ciphertext kept between receive calls (write mode): an incomplete record, or all of it while paused. */
    private ByteBuffer pending;

    private boolean paused;
    private boolean stopped;
    private boolean closeNotifyReceived;

    PipeInbound(SSLEngine engine, SslPipe.Peer peer, RecordOutput out, PipeHandshake handshake) {
        this.engine = engine;
        this.peer = peer;
        this.out = out;
        this.handshake = handshake;
    }

    /** Decrypts what it can of what is kept and of {@code data}, and keeps the rest of {@code data}. */
    // pending != kept asks whether pending is still the same buffer object; ByteBuffer.equals compares contents.
    @SuppressWarnings("ReferenceEquality")
    void receive(ByteBuffer data) throws SSLException {
        // First what is kept: records left while paused, or the start of one incomplete record.
        while (pending != null && canRead()) {
            ByteBuffer kept = pending;
            kept.flip();
            unwrapAll(kept);
            if (pending != kept) {
                break; // dropped meanwhile: close_notify arrived or the connection is closing
            }
            kept.compact();
            if (kept.position() == 0) {
                pending = null;
            } else if (canRead() && data.hasRemaining()) {
                topUp(data);
            } else {
                break;
            }
        }
        if (pending == null && canRead()) {
            // The common case: records are decrypted straight out of the caller's buffer, no copy.
            unwrapAll(data);
        }
        if (data.hasRemaining() && !stopped && !closeNotifyReceived) {
            keep(data);
        }
    }

    private boolean canRead() {
        return !paused && !handshake.isTasksRunning() && !stopped && !closeNotifyReceived;
    }

    private void unwrapAll(ByteBuffer src) throws SSLException {
        if (!canRead() || !src.hasRemaining()) {
            return;
        }
        int size = engine.getSession().getApplicationBufferSize();
        ByteBuffer lent = ThreadBuffers.lendApp(size);
        // Lent out already: this runs inside another connection's delivery on the same thread.
        appIn = lent != null ? lent : ByteBuffer.allocate(size);
        try {
            unwrapInto(src);
        } finally {
            if (lent != null) {
                ThreadBuffers.returnApp(appIn); // the same buffer, or the bigger one an overflow made
            }
            appIn = null;
        }
    }

    private void unwrapInto(ByteBuffer src) throws SSLException {
        int stalls = 0;
        // Conscrypt may take a record and keep its plaintext (an overflow that consumed bytes) and hands it out
        // at the next unwrap, even of nothing: while it may hold some, unwrapping goes on after src is empty.
        boolean engineHolds = false;
        while (canRead() && (src.hasRemaining() || engineHolds)) {
            SSLEngineResult r = engine.unwrap(src, appIn);
            Status status = r.getStatus();
            engineHolds = r.bytesConsumed() > 0 ? status == Status.BUFFER_OVERFLOW : r.bytesProduced() > 0;
            if (status == Status.BUFFER_OVERFLOW) {
                if (appIn.position() == 0) {
                    appIn = ByteBuffer.allocate(
                            Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                } else {
                    deliver();
                }
                engineHolds |= r.bytesConsumed() > 0;
                continue;
            }
            if (status == Status.BUFFER_UNDERFLOW) {
                break; // an incomplete record: the caller keeps it
            }
            // Handshake events first: the application hears connectionMade before its first bytes.
            handshake.progress(r);
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && status == Status.OK && ++stalls > 8) {
                throw new SSLException(
                        "the TLS engine makes no progress reading (" + engine.getHandshakeStatus() + ")");
            }
            if (status == Status.CLOSED) {
                deliver();
                closeNotifyReceived = true;
                pending = null;
                handshake.step(); // TLS 1.2 answers close_notify with close_notify
                out.flush();
                peer.closeNotifyReceived();
                return;
            }
        }
        deliver();
    }

    private void deliver() {
        if (appIn != null && appIn.position() > 0) {
            appIn.flip();
            try {
                peer.appData(appIn);
            } finally {
                appIn.clear();
            }
        }
    }

    private void topUp(ByteBuffer data) {
        pending = KeptCiphertext.topUp(pending, data, engine.getSession().getPacketBufferSize());
    }

    private void keep(ByteBuffer data) {
        pending = KeptCiphertext.keep(pending, data, engine.getSession().getPacketBufferSize());
    }

    void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** Stops decrypting for good and drops what is kept. */
    void stop() {
        stopped = true;
        pending = null;
    }

    boolean isStopped() {
        return stopped;
    }

    /** True when ciphertext is kept that a receive of nothing would now decrypt. */
    boolean hasPendingInput() {
        return pending != null && pending.position() > 0;
    }

    boolean isCloseNotifyReceived() {
        return closeNotifyReceived;
    }
}
