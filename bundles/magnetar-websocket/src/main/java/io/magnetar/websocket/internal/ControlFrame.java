package io.magnetar.websocket.internal;

import io.magnetar.websocket.WebSocketWhiteboard;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The payload of the control frame being read (at most 125 bytes, RFC 6455 section 5.5), kept whole
 * because a ping's is echoed in its pong and a close's is a status code and a reason, and what a close
 * frame's payload says. A close payload the peer may not send is answered with the close code for it (0:
 * none) and {@link #refusal()} says why, for the session to fail the connection with, as {@link
 * IncomingMessage} does. Reused from one frame to the next.
 *
 * <p>Confined to its connection's event loop.
 */
final class ControlFrame {

    private static final byte[] NONE = new byte[0];

    /** Made at the first control frame with a payload: most connections never get one. */
    private byte[] payload = NONE;

    private int length;
    private String refusal = "";

    /** A control frame begins. */
    void reset() {
        length = 0;
    }

    /** Adds payload bytes {@code a[from, to)}; the frame reader has checked they fit. */
    void append(byte[] a, int from, int to) {
        if (payload == NONE) {
            payload = new byte[125];
        }
        System.arraycopy(a, from, payload, length, to - from);
        length += to - from;
    }

    /** The pong answering this frame, a ping: its payload echoed. */
    ByteBuffer pong(boolean masked) {
        return FrameWriter.frame(FrameWriter.PONG, false, payload, 0, length, masked);
    }

    /** Checks this frame as a close: the close code refusing it, or 0 when the peer may send it. */
    int checkClose() {
        if (length == 1) {
            return refuse(WebSocketWhiteboard.PROTOCOL_ERROR, "close frame with a one-byte payload");
        }
        if (length >= 2) {
            int code = closeCode();
            if (!validCloseCode(code)) {
                return refuse(WebSocketWhiteboard.PROTOCOL_ERROR, "close code " + code + " may not be sent");
            }
            Utf8Validator check = new Utf8Validator();
            if (!check.feed(payload, 2, length) || !check.isComplete()) {
                return refuse(WebSocketWhiteboard.INVALID_PAYLOAD, "close reason is not UTF-8");
            }
        }
        return 0;
    }

    /** The status code of this close frame, {@link WebSocketWhiteboard#NO_STATUS} when it has none. */
    int closeCode() {
        return length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : WebSocketWhiteboard.NO_STATUS;
    }

    /** The reason of this close frame, empty when it has none. */
    String closeReason() {
        return length >= 2 ? new String(payload, 2, length - 2, StandardCharsets.UTF_8) : "";
    }

    /** The close frame answering this one: empty when it carried no code, else echoing its code. */
    ByteBuffer closeReply(boolean masked) {
        int code = closeCode();
        return code == WebSocketWhiteboard.NO_STATUS
                ? FrameWriter.frame(FrameWriter.CLOSE, false, payload, 0, 0, masked)
                : FrameWriter.close(code, "", masked);
    }

    /** RFC 6455 section 7.4: the codes an endpoint may send, 1000-1003, 1007-1014, 3000-4999. */
    static boolean validCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
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
