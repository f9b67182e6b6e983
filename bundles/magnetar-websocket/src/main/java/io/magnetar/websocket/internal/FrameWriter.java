package io.magnetar.websocket.internal;

import java.nio.ByteBuffer;

/**
 * Encodes server frames (RFC 6455 section 5.2: unmasked): one buffer holding header and payload, so a
 * message leaves with one write. Stateless.
 */
final class FrameWriter {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private FrameWriter() {
    }

    /** A final frame of {@code opcode} carrying {@code payload[from, to)}, RSV1 set when {@code compressed}. */
    static ByteBuffer frame(int opcode, boolean compressed, byte[] payload, int from, int to) {
        int length = to - from;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer out = ByteBuffer.allocate(header + length);
        out.put((byte) (0x80 | (compressed ? 0x40 : 0) | opcode));
        if (length < 126) {
            out.put((byte) length);
        } else if (length <= 0xFFFF) {
            out.put((byte) 126).putShort((short) length);
        } else {
            out.put((byte) 127).putLong(length);
        }
        out.put(payload, from, length);
        return out.flip();
    }

    /** A close frame with {@code code} and {@code reason} (cut to fit the 125-byte control payload). */
    static ByteBuffer close(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        while (n > 0 && n < text.length && (text[n] & 0xC0) == 0x80) {
            n--; // do not cut a character in two
        }
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, n);
        return frame(CLOSE, false, payload, 0, payload.length);
    }
}
