package io.magnetar.websocket.internal;

import io.magnetar.websocket.WebSocketWhiteboard;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;

/**
 * The data message arriving in frames (RFC 6455 section 5.4): its opcode, whether it is compressed (RSV1
 * on its first frame), its bytes so far, bounded by the message limit, the UTF-8 check of a text as it
 * arrives, and its inflation once complete. A frame or message the connection must refuse is answered with
 * the close code for it (0: none) and {@link #refusal()} says why; the session fails the connection with
 * them, so the failure is logged and sent in one place. Reused from one message to the next, so a stream of
 * messages allocates nothing here (a text, its String). A message of one uncompressed frame that arrived
 * whole in one read is not copied: it is delivered from where the frame reader unmasked it (the loop
 * thread's scratch), so a connection that only ever gets such messages holds no message buffer.
 *
 * <p>Confined to its connection's event loop.
 */
final class IncomingMessage {

    /** RFC 6455 close code 1013 (IANA registry): the server is overloaded, try again later. */
    private static final int TRY_AGAIN_LATER = 1013;

    private final PerMessageDeflate deflate;
    private final int maxMessage;
    private final Utf8Validator utf8 = new Utf8Validator();
    private final MessageBuffer message = new MessageBuffer();
    /** Opcode of the message being assembled, 0 between messages. */
    private int opcode;

    private boolean compressed;
    /** The current frame: the only one of its message, uncompressed; its payload length. */
    private boolean single;

    private long frameLength;
    /** The message as {@code direct[0, directLength)}, not copied; null when it is in {@link #message}. */
    private byte[] direct;

    private int directLength;
    /** A view of the scratch array, kept: a binary message costs no allocation either way. */
    private ByteBuffer directView;

    private String refusal = "";

    /** {@code deflate} null when permessage-deflate was not agreed. */
    IncomingMessage(PerMessageDeflate deflate, int maxMessage) {
        this.deflate = deflate;
        this.maxMessage = maxMessage;
    }

    /**
     * A data frame begins: a continuation, or the first frame of a message of {@code frameOpcode};
     * {@code length} payload bytes follow, and {@code fin} says whether it is the message's last frame. The
     * close code refusing it, or 0.
     */
    int frameStart(int frameOpcode, boolean fin, boolean rsv1, long length) {
        if (frameOpcode == FrameWriter.CONTINUATION) {
            if (opcode == 0) {
                return refuse(WebSocketWhiteboard.PROTOCOL_ERROR, "continuation frame without a message");
            }
            if (rsv1) {
                return refuse(WebSocketWhiteboard.PROTOCOL_ERROR, "RSV1 on a continuation frame");
            }
        } else {
            if (opcode != 0) {
                return refuse(WebSocketWhiteboard.PROTOCOL_ERROR, "new message before the last one ended");
            }
            opcode = frameOpcode;
            compressed = rsv1;
            utf8.reset();
        }
        single = fin && !compressed && frameOpcode != FrameWriter.CONTINUATION;
        frameLength = length;
        long limit = compressed ? WebSocketLimits.compressed(maxMessage) : maxMessage;
        if (message.length() + length > limit) {
            return refuse(WebSocketWhiteboard.MESSAGE_TOO_BIG, "message over " + limit + " bytes");
        }
        return 0;
    }

    /** Payload bytes {@code a[from, to)} of the current data frame; the close code refusing them, or 0. */
    int payload(byte[] a, int from, int to) {
        if (opcode == FrameWriter.TEXT && !compressed && !utf8.feed(a, from, to)) {
            return refuse(WebSocketWhiteboard.INVALID_PAYLOAD, "text is not UTF-8");
        }
        if (single && from == 0 && to == frameLength && message.length() == 0) {
            direct = a; // valid until the frame ends: the reader unmasks nothing more before
            directLength = to;
            return 0;
        }
        if (!message.append(a, from, to)) {
            return refuse(TRY_AGAIN_LATER, "server input buffers full");
        }
        return 0;
    }

    /** Its last frame has arrived: the next data frame starts a new message. Returns its opcode. */
    int end() {
        int ended = opcode;
        opcode = 0;
        return ended;
    }

    /**
     * Inflates the message just ended (of {@code ended}, from {@link #end}) if it came compressed and checks
     * that a text is whole UTF-8: the close code refusing it, or 0 when it is ready to deliver.
     */
    int complete(int ended) {
        if (compressed) {
            try {
                if (!message.inflate(deflate, maxMessage)) {
                    return refuse(
                            WebSocketWhiteboard.MESSAGE_TOO_BIG, "message inflates past " + maxMessage + " bytes");
                }
            } catch (DataFormatException e) {
                return refuse(WebSocketWhiteboard.INVALID_PAYLOAD, "invalid deflate data: " + e.getMessage());
            }
            if (ended == FrameWriter.TEXT) {
                utf8.reset();
                if (!utf8.feed(message.array(), 0, message.length())) {
                    return refuse(WebSocketWhiteboard.INVALID_PAYLOAD, "text is not UTF-8");
                }
            }
        }
        if (ended == FrameWriter.TEXT && !utf8.isComplete()) {
            return refuse(WebSocketWhiteboard.INVALID_PAYLOAD, "text ends inside a UTF-8 character");
        }
        return 0;
    }

    /** The completed message as text. */
    String text() {
        if (direct != null) {
            return new String(direct, 0, directLength, StandardCharsets.UTF_8);
        }
        return new String(message.array(), 0, message.length(), StandardCharsets.UTF_8);
    }

    /** The completed message as a buffer, valid until {@link #clear}. */
    ByteBuffer binary() {
        if (direct == null) {
            return message.view();
        }
        if (directView == null || directView.array() != direct) {
            directView = ByteBuffer.wrap(direct);
        }
        directView.clear().limit(directLength);
        return directView;
    }

    /** Empties it for the next message. */
    void clear() {
        direct = null;
        message.clear();
    }

    /** Gives the grown buffer back to the input budget: the connection is gone. */
    void release() {
        message.release();
    }

    /** Why the last nonzero close code was returned. */
    String refusal() {
        return refusal;
    }

    private int refuse(int code, String reason) {
        refusal = reason;
        return code;
    }
}
