package io.magnetar.websocket.internal;

import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.ProtocolConsumer;
import io.magnetar.websocket.WebSocket;
import io.magnetar.websocket.WebSocketHandler;
import io.magnetar.websocket.WebSocketWhiteboard;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

/**
 * One WebSocket connection after the upgrade: the connection's last consumer, whose exchange lasts until
 * the connection ends. Reassembles fragmented messages (bounded), validates UTF-8 as text arrives,
 * answers pings, runs the closing handshake, inflates and deflates with permessage-deflate, and closes
 * with the RFC 6455 section 7.4 code for what went wrong (1002, 1007, 1009, 1011). What arrives is held by
 * an {@link IncomingMessage} (data frames) and a {@link ControlFrame}; the decisions stay here.
 *
 * <p>Confined to its connection's event loop, except the {@link WebSocket} methods, which are thread-safe.
 */
final class WebSocketSession extends ProtocolConsumer implements WebSocket, FrameReader.Frames {

    private static final System.Logger LOG = System.getLogger(WebSocketSession.class.getName());
    /** Messages smaller than this go uncompressed (legal per message): deflate would only add bytes. */
    private static final int MIN_COMPRESS = 32;

    private final WebSocketHandler handler;
    private final String path;
    private final SocketAddress remote;
    private final PerMessageDeflate deflate;
    private final FrameReader reader;
    /** The client side masks what it sends and reads unmasked frames. */
    private final boolean client;

    private final ControlFrame control = new ControlFrame();
    private final IncomingMessage message;
    private int frameOpcode;
    private boolean frameFin;
    /** Frames sent on the loop during a read, written together when it ends. */
    private final FrameBatch out = new FrameBatch();

    private boolean opened;
    private boolean closeSent;
    private boolean closedNotified;
    private volatile boolean writable = true;

    WebSocketSession(
            WebSocketHandler handler,
            String path,
            SocketAddress remote,
            PerMessageDeflate deflate,
            WebSocketLimits limits) {
        this(handler, path, remote, deflate, limits, false);
    }

    WebSocketSession(
            WebSocketHandler handler,
            String path,
            SocketAddress remote,
            PerMessageDeflate deflate,
            WebSocketLimits limits,
            boolean client) {
        this.client = client;
        this.handler = handler;
        this.path = path;
        this.remote = remote;
        this.deflate = deflate;
        this.message = new IncomingMessage(deflate, limits.maxMessage());
        this.reader = new FrameReader(this, limits.maxFrame(), deflate != null, !client);
    }

    /** Inside a read: frames sent on the loop are batched and leave together when it ends (one write). */
    private boolean inRead;

    @Override
    protected void dataReceived(ByteBuffer data) {
        inRead = true;
        try {
            reader.read(data);
        } finally {
            inRead = false;
        }
        flushOut();
    }

    /** Started by the connection right after the 101 (or by the first bytes, if they came with it). */
    @Override
    protected void startRequest() {
        if (!opened) {
            opened = true;
            call(() -> handler.onOpen(this));
        }
    }

    // ---- frames in

    @Override
    public boolean frameStart(int opcode, boolean fin, boolean rsv1, long length) {
        frameOpcode = opcode;
        frameFin = fin;
        control.reset();
        if ((opcode & 0x8) != 0) {
            return true;
        }
        int refused = message.frameStart(opcode, fin, rsv1, length);
        return refused == 0 || fail(refused, message.refusal());
    }

    @Override
    public boolean payload(byte[] a, int from, int to) {
        if ((frameOpcode & 0x8) != 0) {
            control.append(a, from, to);
            return true;
        }
        int refused = message.payload(a, from, to);
        return refused == 0 || fail(refused, message.refusal());
    }

    @Override
    public boolean frameEnd() {
        switch (frameOpcode) {
            case FrameWriter.PING -> {
                if (!closeSent) {
                    writeFrame(transport(), control.pong(client));
                }
                return true;
            }
            case FrameWriter.PONG -> {
                return true;
            }
            case FrameWriter.CLOSE -> {
                return closeReceived();
            }
            default -> {
                return !frameFin || messageComplete();
            }
        }
    }

    private boolean messageComplete() {
        int opcode = message.end();
        try {
            return deliver(opcode);
        } finally {
            message.clear();
        }
    }

    private boolean deliver(int opcode) {
        int refused = message.complete(opcode);
        if (refused != 0) {
            return fail(refused, message.refusal());
        }
        // Called directly, not through a lambda: a message costs no allocation of ours (a text, its String).
        try {
            if (opcode == FrameWriter.TEXT) {
                handler.onText(this, message.text());
            } else {
                handler.onBinary(this, message.binary());
            }
        } catch (RuntimeException e) {
            handlerThrew(e);
        }
        return !closeSent;
    }

    private boolean closeReceived() {
        int refused = control.checkClose();
        if (refused != 0) {
            return fail(refused, control.refusal());
        }
        int code = control.closeCode();
        String reason = control.closeReason();
        if (!closeSent) {
            closeSent = true;
            writeFrame(transport(), control.closeReply(client));
        }
        reader.stop();
        notifyClosed(code, reason);
        transport().close(); // the server closes TCP first (RFC 6455 section 7.1.1)
        return false;
    }

    @Override
    public void violation(int code, String reason) {
        fail(code, reason);
    }

    /** Fails the connection: a close frame with {@code code}, then the TCP close. Logged at DEBUG: the client's doing. */
    private boolean fail(int code, String reason) {
        LOG.log(Level.DEBUG, "closing WebSocket {0} with {1}: {2}", remote, String.valueOf(code), reason);
        closeOnLoop(code, reason);
        return false;
    }

    // ---- the WebSocket face

    @Override
    public void sendText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        onLoop(() -> sendOnLoop(FrameWriter.TEXT, bytes));
    }

    @Override
    public void sendBinary(ByteBuffer data) {
        StreamTransport t = transport();
        if (t != null && deflate == null && !client && t.loop().inEventLoop()) {
            sendUncompressedOnLoop(t, FrameWriter.BINARY, data);
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        onLoop(() -> sendOnLoop(FrameWriter.BINARY, bytes));
    }

    /**
     * The loop's fast path: header and payload appended to one reused buffer, handed over with writeCopy
     * at the end of the read being served (so the echoes of a read leave in one write), at once otherwise.
     */
    private void sendUncompressedOnLoop(StreamTransport t, int opcode, ByteBuffer data) {
        if (closeSent || t.isClosing()) {
            data.position(data.limit());
            return;
        }
        out.append(t, opcode, data);
        if (!inRead) {
            flushOut();
        }
    }

    /** Hands the batched frames to the transport. */
    private void flushOut() {
        StreamTransport t = transport();
        if (t != null && out.flush(t)) {
            checkBuffered(t);
        }
    }

    /** Writes a frame after the batched ones (order on the wire is call order). */
    private void writeFrame(StreamTransport t, ByteBuffer frame) {
        flushOut();
        t.write(frame);
    }

    private void checkBuffered(StreamTransport t) {
        if (t.writeBufferSize() > MAX_BUFFERED && !closeSent) {
            LOG.log(
                    Level.DEBUG,
                    "closing WebSocket {0}: over {1} bytes queued for a client that does not read",
                    remote,
                    MAX_BUFFERED);
            closeSent = true;
            reader.stop();
            notifyClosed(WebSocketWhiteboard.POLICY_VIOLATION, "client too slow");
            t.abort();
        }
    }

    private void sendOnLoop(int opcode, byte[] payload) {
        StreamTransport t = transport();
        if (closeSent || t == null || t.isClosing()) {
            return;
        }
        if (deflate != null && payload.length >= MIN_COMPRESS) {
            byte[] compressed = deflate.deflate(payload, 0, payload.length);
            writeFrame(t, FrameWriter.frame(opcode, true, compressed, 0, compressed.length, client));
        } else {
            writeFrame(t, FrameWriter.frame(opcode, false, payload, 0, payload.length, client));
        }
        checkBuffered(t);
    }

    @Override
    public void close(int code, String reason) {
        onLoop(() -> closeOnLoop(code, reason));
    }

    private void closeOnLoop(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        reader.stop();
        StreamTransport t = transport();
        writeFrame(t, FrameWriter.close(code, reason, client));
        notifyClosed(code, reason == null ? "" : reason);
        t.close(); // flushes the close frame, then FIN; what the client still sends is dropped
    }

    /** The server drains or the connection was idle: a close frame with 1001 before the TCP close. */
    @Override
    protected boolean goingAway(String reason) {
        if (!closeSent) {
            LOG.log(Level.DEBUG, "closing WebSocket {0} with 1001: {1}", remote, reason);
            closeOnLoop(WebSocketWhiteboard.GOING_AWAY, reason);
        }
        return true;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String extensions() {
        return deflate == null ? "" : deflate.response();
    }

    // ---- connection events

    @Override
    protected void onPauseWriting() {
        writable = false;
        call(() -> handler.onPauseWriting(this));
    }

    @Override
    protected void onResumeWriting() {
        writable = true;
        call(() -> handler.onResumeWriting(this));
    }

    @Override
    protected void onConnectionLost(Throwable cause) {
        reader.stop();
        message.release();
        out.release();
        notifyClosed(WebSocketWhiteboard.ABNORMAL, cause == null ? "" : String.valueOf(cause.getMessage()));
        if (deflate != null) {
            deflate.close();
        }
    }

    private void notifyClosed(int code, String reason) {
        if (!closedNotified) {
            closedNotified = true;
            call(() -> handler.onClose(this, code, reason));
        }
    }

    /** A handler callback; one that throws closes the connection with 1011 and is logged as a server fault. */
    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            handlerThrew(e);
        }
    }

    private void handlerThrew(RuntimeException e) {
        LOG.log(Level.WARNING, "WebSocket handler " + handler + " threw on " + path + "; closing with 1011", e);
        closeOnLoop(WebSocketWhiteboard.INTERNAL_ERROR, "internal error");
    }

    private void onLoop(Runnable task) {
        StreamTransport t = transport();
        if (t == null) {
            return;
        }
        if (t.loop().inEventLoop()) {
            task.run();
        } else {
            try {
                t.loop().execute(task);
            } catch (RejectedExecutionException closed) {
                // the loop is gone and has aborted this connection
            }
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + path + " " + remote + "]";
    }
}
