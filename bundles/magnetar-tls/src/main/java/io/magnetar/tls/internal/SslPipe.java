package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The TLS state machine of one connection over byte buffers, without a socket (asyncio's
 * {@code _SSLPipe}): ciphertext goes in through {@link #receive}, application bytes through
 * {@link #send}; records for the network, decrypted bytes and events come out through a {@link Peer}.
 * Drives the handshake, refuses TLS 1.2 renegotiation after the first handshake, sends and honours
 * {@code close_notify}.
 *
 * <p>The engine's delegated tasks of the first handshake (the handshake messages' work: key agreement,
 * signing, certificate checks) may be run elsewhere ({@link Peer#offloadTasks}): they take milliseconds
 * in a warm JVM but tens to hundreds in a cold one, and run on the loop they would stall every other
 * connection of that loop meanwhile. Until {@link #tasksCompleted()} the pipe keeps what it receives
 * and does not touch the engine.
 *
 * <p>Confined to one thread (its connection's event loop). {@link Peer} callbacks run during the call
 * that caused them and may call back into the pipe ({@code send}, {@code shutdown}, {@code setPaused}).
 *
 * <p>The pipe itself writes; the handshake is driven by its {@link PipeHandshake}, reading by its
 * {@link PipeInbound}.
 */
public final class SslPipe {

    /** Where a pipe's output goes. */
    public interface Peer {
        /** Records for the network, in order; the buffer now belongs to the peer. */
        void sslData(ByteBuffer records);

        /** The first handshake completed; called once, before any {@link #appData}. */
        void handshakeCompleted();

        /** Decrypted bytes, valid only during the call. */
        void appData(ByteBuffer data);

        /** The peer's {@code close_notify} arrived: no more application data will come. Called once. */
        void closeNotifyReceived();

        /**
         * The first handshake has delegated tasks: either runs {@code tasks} on another thread and then
         * calls {@link SslPipe#tasksCompleted()} on the pipe's thread, returning true, or returns false
         * and the pipe runs them at once. {@code tasks} touches the engine only.
         */
        boolean offloadTasks(Runnable tasks);
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final ByteBuffer[] EMPTY_ARRAY = {EMPTY};

    private final SSLEngine engine;
    private final RecordGuard guard = new RecordGuard();
    /** The record layer was refused before any record passed: the alert goes out in plaintext. */
    private boolean refusedInPlaintext;

    private final Peer peer;
    private final RecordOutput out;
    private final PipeHandshake handshake;
    private final PipeInbound inbound;

    public SslPipe(SSLEngine engine, Peer peer) {
        this.engine = engine;
        this.peer = peer;
        this.out = new RecordOutput(peer::sslData);
        this.handshake = new PipeHandshake(engine, peer, out);
        this.inbound = new PipeInbound(engine, peer, out, handshake);
    }

    /** Begins the handshake; a client hands out its ClientHello. */
    public void start() throws SSLException {
        try {
            handshake.begin();
        } finally {
            out.flush(); // also on failure: the thread's shared record buffer goes back
        }
    }

    /**
     * Takes ciphertext from the network. {@code data} is read completely: what cannot be decrypted
     * yet (an incomplete record, or everything while paused) is copied and kept for the next call.
     */
    public void receive(ByteBuffer data) throws SSLException {
        try {
            guard.check(data);
        } catch (SSLException e) {
            refusedInPlaintext = guard.beforeFirstRecord();
            throw e;
        }
        try {
            inbound.receive(data);
        } finally {
            out.flush(); // also on failure: the thread's shared record buffer goes back
        }
    }

    /**
     * Encrypts all of {@code data} into records and hands them out; each application byte is copied
     * once, by the cipher, into the record buffer the peer then writes.
     *
     * @throws SSLException when the session is closed for writing or the engine fails
     */
    public void send(ByteBuffer... data) throws SSLException {
        if (!handshake.isDone()) {
            throw new IllegalStateException("write before the TLS handshake completed");
        }
        long remaining = 0;
        for (ByteBuffer b : data) {
            remaining += b.remaining();
        }
        try {
            wrapAll(data, remaining);
        } finally {
            out.flush(); // also on failure: the thread's shared record buffer goes back
        }
    }

    private void wrapAll(ByteBuffer[] data, long plaintext) throws SSLException {
        long remaining = plaintext;
        int produced = 0;
        while (remaining > 0 || produced >= packetSize()) {
            // A wrap that filled a whole packet may have left bytes in the engine: Conscrypt writes what it
            // had pending (its TLS 1.3 tickets, queued until the first write) before the new record, and
            // stops at one packet. Those are drained by wrapping nothing until a wrap comes out short.
            SSLEngineResult r = engine.wrap(remaining > 0 ? data : EMPTY_ARRAY, out.room(packetSize(), remaining));
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                out.fresh(packetSize(), remaining);
                continue;
            }
            produced = r.bytesProduced();
            if (remaining == 0) {
                handshake.progress(r);
                continue;
            }
            if (r.getStatus() == Status.CLOSED) {
                throw new SSLException("the TLS session is closed for writing");
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                throw new SSLException(
                        "the TLS engine takes no data (handshake status " + r.getHandshakeStatus() + ")");
            }
            remaining -= r.bytesConsumed();
            handshake.progress(r);
        }
    }

    /** Sends {@code close_notify} after the records already handed out; later {@link #send}s fail. */
    public void shutdown() throws SSLException {
        if (handshake.isShutdown()) {
            return;
        }
        handshake.markShutdown();
        engine.closeOutbound();
        try {
            handshake.step();
        } finally {
            out.flush();
        }
    }

    /** After an {@link SSLException}: hands out the alert the engine has queued, if any. Never throws. */
    public void flushAlert() {
        handshake.markShutdown();
        if (refusedInPlaintext) {
            peer.sslData(ByteBuffer.wrap(RecordGuard.UNEXPECTED_MESSAGE.clone()));
            return;
        }
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = engine.wrap(EMPTY, out.room(packetSize(), 0));
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    out.fresh(packetSize(), 0);
                } else if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // the engine is broken already; the connection closes without an alert
        }
        out.flush();
    }

    /**
     * The tasks handed to {@link Peer#offloadTasks} have run: goes on with the handshake, then decrypts
     * what was received meanwhile. Does nothing once the pipe is stopped.
     */
    public void tasksCompleted() throws SSLException {
        handshake.tasksCompleted();
        if (inbound.isStopped()) {
            return;
        }
        try {
            handshake.step();
        } finally {
            out.flush();
        }
        receive(EMPTY);
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Stops (or resumes) decrypting; received ciphertext is kept meanwhile. */
    public void setPaused(boolean paused) {
        inbound.setPaused(paused);
    }

    /** Stops decrypting for good and drops what is kept: the connection is closing. */
    public void stop() {
        inbound.stop();
    }

    /**
     * Frees what the engine holds outside the heap, once the connection is gone. Conscrypt frees its native SSL
     * object (and the pipe pair it opens for each) only when both sides are closed and nothing is left to
     * write, else in a finalizer: under load the descriptors ran out first (2 per connection). The JDK's engines
     * hold nothing native and are left alone: closing their inbound side before a close_notify would invalidate
     * the session. Loop thread only, after {@link #stop()}.
     */
    public void release() {
        if (engine.getClass().getName().startsWith("sun.security.")) {
            return;
        }
        engine.closeOutbound();
        ByteBuffer discard = ByteBuffer.allocate(packetSize());
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            try {
                discard.clear();
                if (engine.wrap(EMPTY, discard).bytesProduced() == 0) {
                    break;
                }
            } catch (SSLException | RuntimeException e) {
                break; // the engine failed already: closing the inbound side below still frees it
            }
        }
        try {
            engine.closeInbound();
        } catch (SSLException noCloseNotify) {
            // expected when the peer just went away: nobody is left to tell
        }
    }

    /** True while delegated tasks run elsewhere, until {@link #tasksCompleted()}. */
    public boolean isRunningTasks() {
        return handshake.isTasksRunning();
    }

    /** True when ciphertext is kept that {@code receive(EMPTY)} would now decrypt. */
    public boolean hasPendingInput() {
        return inbound.hasPendingInput();
    }

    public boolean isHandshakeDone() {
        return handshake.isDone();
    }

    /** True once {@code close_notify} was sent (or is queued) or the engine closed its outbound side. */
    public boolean isOutboundClosed() {
        return handshake.isShutdown() || engine.isOutboundDone();
    }

    public boolean isCloseNotifyReceived() {
        return inbound.isCloseNotifyReceived();
    }

    public SSLSession session() {
        return engine.getSession();
    }

    public SSLEngine engine() {
        return engine;
    }
}
