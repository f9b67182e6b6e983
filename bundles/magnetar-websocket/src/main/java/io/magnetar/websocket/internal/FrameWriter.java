package io.magnetar.websocket.internal;

import java.nio.ByteBuffer;

/**
 * Encodes frames (RFC 6455 section 5.2): server frames unmasked, client frames masked with a fresh key
 * from a {@link java.security.SecureRandom} (section 10.3: the key must not be predictable); one buffer
 * holds header and payload, so a message leaves with one write. Stateless.
 */
final class FrameWriter {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private FrameWriter() {}

    private static final java.security.SecureRandom KEYS = new java.security.SecureRandom();

    /**
     * A final frame of {@code opcode} carrying {@code payload[from, to)}, RSV1 set when {@code compressed},
     * masked when {@code masked} (a client's).
     */
    static ByteBuffer frame(int opcode, boolean compressed, byte[] payload, int from, int to, boolean masked) {
        int length = to - from;
        int header = (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0);
        ByteBuffer out = ByteBuffer.allocate(header + length);
        putHeader(out, opcode, compressed, length, masked);
        if (!masked) {
            out.put(payload, from, length);
            return out.flip();
        }
        byte[] key = new byte[4];
        KEYS.nextBytes(key);
        out.put(key);
        for (int i = 0; i < length; i++) {
            out.put((byte) (payload[from + i] ^ key[i & 3]));
        }
        return out.flip();
    }

    /**
     * The first bytes of a final frame (FIN, RSV1 when {@code compressed}, opcode, mask bit, the length
     * in its shortest form); a masked frame's key follows them.
     */
    static void putHeader(ByteBuffer out, int opcode, boolean compressed, int length, boolean masked) {
        out.put((byte) (0x80 | (compressed ? 0x40 : 0) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            out.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127)).putLong(length);
        }
    }

    /** A close frame with {@code code} and {@code reason} (cut to fit the 125-byte control payload). */
    static ByteBuffer close(int code, String reason, boolean masked) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        while (n > 0 && n < text.length && (text[n] & 0xC0) == 0x80) {
            n--; // do not cut a character in two
        }
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, n);
        return frame(CLOSE, false, payload, 0, payload.length, masked);
    }
}
