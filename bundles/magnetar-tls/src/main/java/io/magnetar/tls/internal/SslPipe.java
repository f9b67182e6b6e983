package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
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
    /** Decrypted bytes, during {@link #unwrapAll} only: the thread's shared buffer when free. */
    private ByteBuffer appIn;
    /** Ciphertext kept between receive calls (write mode): an incomplete record, or all of it while paused. */
    private ByteBuffer pending;

    private boolean started;
    private boolean handshakeDone;
    private boolean paused;
    /** Delegated tasks run elsewhere: the engine is not touched until {@link #tasksCompleted()}. */
    private boolean tasksRunning;

    private boolean stopped;
    private boolean closeNotifyReceived;
    private boolean shutdown;

    public SslPipe(SSLEngine engine, Peer peer) {
        this.engine = engine;
        this.peer = peer;
        this.out = new RecordOutput(peer::sslData);
    }

    /** Begins the handshake; a client hands out its ClientHello. */
    public void start() throws SSLException {
        started = true;
        try {
            engine.beginHandshake();
            step();
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
            receiveChecked(data);
        } finally {
            out.flush(); // also on failure: the thread's shared record buffer goes back
        }
    }

    // pending != kept asks whether pending is still the same buffer object; ByteBuffer.equals compares contents.
    @SuppressWarnings("ReferenceEquality")
    private void receiveChecked(ByteBuffer data) throws SSLException {
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
        return !paused && !tasksRunning && !stopped && !closeNotifyReceived;
    }

    private void unwrapAll(ByteBuffer src) throws SSLException {
        if (!canRead() || !src.hasRemaining()) {
            return;
        }
        ThreadBuffers buffers = ThreadBuffers.get();
        int size = engine.getSession().getApplicationBufferSize();
        ByteBuffer lent = buffers.lendApp(size);
        // Lent out already: this runs inside another connection's delivery on the same thread.
        appIn = lent != null ? lent : ByteBuffer.allocate(size);
        try {
            unwrapInto(src);
        } finally {
            if (lent != null) {
                buffers.returnApp(appIn); // the same buffer, or the bigger one an overflow made
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
            progress(r);
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && status == Status.OK && ++stalls > 8) {
                throw new SSLException(
                        "the TLS engine makes no progress reading (" + engine.getHandshakeStatus() + ")");
            }
            if (status == Status.CLOSED) {
                deliver();
                closeNotifyReceived = true;
                pending = null;
                step(); // TLS 1.2 answers close_notify with close_notify
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

    /**
     * Encrypts all of {@code data} into records and hands them out; each application byte is copied
     * once, by the cipher, into the record buffer the peer then writes.
     *
     * @throws SSLException when the session is closed for writing or the engine fails
     */
    public void send(ByteBuffer... data) throws SSLException {
        if (!handshakeDone) {
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
                progress(r);
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
            progress(r);
        }
    }

    /** Sends {@code close_notify} after the records already handed out; later {@link #send}s fail. */
    public void shutdown() throws SSLException {
        if (shutdown) {
            return;
        }
        shutdown = true;
        engine.closeOutbound();
        try {
            step();
        } finally {
            out.flush();
        }
    }

    /** After an {@link SSLException}: hands out the alert the engine has queued, if any. Never throws. */
    public void flushAlert() {
        shutdown = true;
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

    /** Runs the handshake as far as it goes without new input. */
    private void step() throws SSLException {
        for (; ; ) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (handshakeDone && hs != HandshakeStatus.NOT_HANDSHAKING && isRenegotiation()) {
                refuseRenegotiation(hs);
            }
            switch (hs) {
                case NEED_TASK -> {
                    if (!runTasks()) {
                        return; // tasksCompleted() goes on
                    }
                }
                case NEED_WRAP -> {
                    if (!wrapHandshake()) {
                        return;
                    }
                }
                case NOT_HANDSHAKING -> {
                    if (started && !handshakeDone && !shutdown && sessionEstablished()) {
                        handshakeFinished();
                    }
                    return;
                }
                default -> {
                    return; // NEED_UNWRAP: wait for the peer
                }
            }
        }
    }

    /** Wraps one handshake (or alert, close_notify) flight; false once the outbound side is closed. */
    private boolean wrapHandshake() throws SSLException {
        SSLEngineResult r = engine.wrap(EMPTY, out.room(packetSize(), 0));
        if (r.getStatus() == Status.BUFFER_OVERFLOW) {
            out.fresh(packetSize(), 0);
            return true;
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeFinished();
        }
        if (r.getStatus() == Status.CLOSED) {
            return false;
        }
        if (r.bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            throw new SSLException("the TLS engine wants to write but produces nothing");
        }
        return true;
    }

    private void progress(SSLEngineResult r) throws SSLException {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeFinished();
        }
        step();
    }

    /**
     * TLS 1.3 has no renegotiation: post-handshake messages (tickets, key updates) are fine. Before
     * 1.3, a new handshake once the first one is done is a renegotiation, which Magnetar refuses for
     * both sides instead of relying on the JVM-wide {@code jdk.tls.rejectClientInitiatedRenegotiation}.
     */
    private boolean isRenegotiation() {
        return !shutdown
                && !engine.isInboundDone()
                && !engine.isOutboundDone()
                && !"TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /**
     * Lets the engine see the renegotiating ClientHello first: with
     * {@code jdk.tls.rejectClientInitiatedRenegotiation} (set by {@code TlsSettings}) it refuses it with a
     * fatal handshake_failure alert, which clients and scanners recognise (a close_notify looks like a
     * renegotiation that succeeded). Refuses it here either way.
     */
    private void refuseRenegotiation(HandshakeStatus hs) throws SSLException {
        if (hs == HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
            engine.wrap(EMPTY, out.room(packetSize(), 0)); // throws the engine's refusal, its alert queued
        }
        throw new SSLException("TLS renegotiation refused ("
                + engine.getSession().getProtocol() + "): only the first handshake is allowed");
    }

    private boolean sessionEstablished() {
        return !"SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite());
    }

    private void handshakeFinished() {
        if (!handshakeDone) {
            handshakeDone = true;
            out.flush(); // the last handshake flight goes out before anything the application writes
            peer.handshakeCompleted();
        }
    }

    /** Runs the delegated tasks now and returns true, or hands them to the peer and returns false. */
    private boolean runTasks() {
        // After the first handshake only post-handshake messages (TLS 1.2: none, renegotiation is
        // refused) could delegate: they are cheap, and running them here keeps send() simple.
        if (!handshakeDone && peer.offloadTasks(this::runDelegatedTasks)) {
            tasksRunning = true;
            return false;
        }
        runDelegatedTasks();
        return true;
    }

    /** On whichever thread the peer chose: touches nothing but the (thread-safe) engine. */
    private void runDelegatedTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /**
     * The tasks handed to {@link Peer#offloadTasks} have run: goes on with the handshake, then decrypts
     * what was received meanwhile. Does nothing once the pipe is stopped.
     */
    public void tasksCompleted() throws SSLException {
        if (!tasksRunning) {
            throw new IllegalStateException("no delegated tasks are running");
        }
        tasksRunning = false;
        if (stopped) {
            return;
        }
        try {
            step();
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
        this.paused = paused;
    }

    /** Stops decrypting for good and drops what is kept: the connection is closing. */
    public void stop() {
        stopped = true;
        pending = null;
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
        return tasksRunning;
    }

    /** True when ciphertext is kept that {@code receive(EMPTY)} would now decrypt. */
    public boolean hasPendingInput() {
        return pending != null && pending.position() > 0;
    }

    public boolean isHandshakeDone() {
        return handshakeDone;
    }

    /** True once {@code close_notify} was sent (or is queued) or the engine closed its outbound side. */
    public boolean isOutboundClosed() {
        return shutdown || engine.isOutboundDone();
    }

    public boolean isCloseNotifyReceived() {
        return closeNotifyReceived;
    }

    public SSLSession session() {
        return engine.getSession();
    }

    public SSLEngine engine() {
        return engine;
    }
}
