package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The handshake state of one {@link SslPipe} and what drives it: whether the first handshake began and
 * finished, whether its delegated tasks run elsewhere, and whether {@code close_notify} was asked for (the
 * engine's handshake statuses then belong to the closing: no handshake finishes, none is a renegotiation).
 * Writes its flights into the pipe's {@link RecordOutput}, which the pipe flushes.
 *
 * <p>Confined to its pipe's thread, except the delegated tasks handed to {@link SslPipe.Peer#offloadTasks},
 * which touch the engine only.
 */
final class PipeHandshake {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final SslPipe.Peer peer;
    private final RecordOutput out;

    private boolean started;
    private boolean handshakeDone;
    /** Delegated tasks run elsewhere: the engine is not touched until {@link SslPipe#tasksCompleted()}. */
    private boolean tasksRunning;

    private boolean shutdown;

    PipeHandshake(SSLEngine engine, SslPipe.Peer peer, RecordOutput out) {
        this.engine = engine;
        this.peer = peer;
        this.out = out;
    }

    /** Begins the handshake; a client writes its ClientHello. */
    void begin() throws SSLException {
        started = true;
        engine.beginHandshake();
        step();
    }

    /** Runs the handshake as far as it goes without new input. */
    void step() throws SSLException {
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

    /** Takes the handshake status of a wrap or unwrap, then runs the handshake on. */
    void progress(SSLEngineResult r) throws SSLException {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeFinished();
        }
        step();
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
        String refused = "TLS renegotiation refused (" + engine.getSession().getProtocol()
                + "): only the first handshake is allowed";
        if (hs == HandshakeStatus.NEED_TASK) {
            try {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                engine.wrap(EMPTY, out.room(packetSize(), 0)); // throws the engine's refusal, its alert queued
            } catch (RuntimeException engineFault) {
                // The JDK 17 engine throws ClassCastException on a HelloRequest sent to a server: the
                // client's doing, so a refusal logged at DEBUG, not a fault of ours with a trace per connection.
                throw new SSLException(refused, engineFault);
            }
        }
        throw new SSLException(refused);
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

    /** The offloaded tasks have run: the engine may be touched again. */
    void tasksCompleted() {
        if (!tasksRunning) {
            throw new IllegalStateException("no delegated tasks are running");
        }
        tasksRunning = false;
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Marks the outbound side as closing: from now on no handshake finishes and none is a renegotiation. */
    void markShutdown() {
        shutdown = true;
    }

    boolean isShutdown() {
        return shutdown;
    }

    boolean isTasksRunning() {
        return tasksRunning;
    }

    boolean isDone() {
        return handshakeDone;
    }
}
