package io.magnetar.websocket.internal;

import io.magnetar.websocket.WebSocketWhiteboard;
import java.nio.ByteBuffer;

/**
 * Reads client frames (RFC 6455 section 5) from the bytes as they arrive, however they are split:
 * validates each header (masking, reserved bits, opcodes, control frame rules, lengths) and hands the
 * unmasked payload to its {@link Frames} in pieces. A violation is reported once, with its close code,
 * and nothing after it is read.
 *
 * <p>Confined to its connection's event loop.
 */
final class FrameReader {

    /** Where frames go. */
    interface Frames {
        /** A frame begins: {@code opcode}, FIN, RSV1, its payload length; false stops reading (the frame was refused). */
        boolean frameStart(int opcode, boolean fin, boolean rsv1, long length);

        /** Unmasked payload bytes {@code a[from, to)} of the current frame; false stops reading. */
        boolean payload(byte[] a, int from, int to);

        /** The current frame is complete; false stops reading. */
        boolean frameEnd();

        /** A protocol violation: the connection must close with {@code code}. */
        void violation(int code, String reason);
    }

    private final Frames frames;
    private final long maxFrame;
    private final boolean rsv1Allowed;
    /** Server side: client frames must be masked; client side: server frames must not be. */
    private final boolean expectMasked;

    private final byte[] header = new byte[14];
    private int headerHave;
    private final byte[] mask = new byte[4];
    private long payloadLeft = -1;
    private int maskIndex;
    /**
     * Where payload bytes are unmasked on their way to {@link Frames#payload}: the thread's, shared by its
     * connections (no user code runs while it is in use), so an idle connection keeps none.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8 * 1024]);

    private byte[] scratch;
    private boolean failed;

    FrameReader(Frames frames, long maxFrame, boolean rsv1Allowed, boolean expectMasked) {
        this.frames = frames;
        this.maxFrame = maxFrame;
        this.rsv1Allowed = rsv1Allowed;
        this.expectMasked = expectMasked;
    }

    /** Reads all of {@code data}. */
    void read(ByteBuffer data) {
        while (data.hasRemaining() && !failed) {
            if (payloadLeft < 0) {
                if (!readHeader(data)) {
                    return;
                }
            } else {
                readPayload(data);
            }
        }
        data.position(data.limit()); // after a violation, nothing more is read
    }

    private boolean readHeader(ByteBuffer data) {
        while (headerHave < 2 && data.hasRemaining()) {
            header[headerHave++] = data.get();
        }
        if (headerHave < 2) {
            return false;
        }
        boolean masked = (header[1] & 0x80) != 0;
        if (masked != expectMasked) {
            // Checked before waiting for a mask key that an unmasked frame does not have.
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, masked ? "server frame masked" : "client frame not masked");
        }
        int len7 = header[1] & 0x7F;
        int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        while (headerHave < need && data.hasRemaining()) {
            header[headerHave++] = data.get();
        }
        if (headerHave < need) {
            return false;
        }
        headerHave = 0;
        return startFrame(len7, need);
    }

    private boolean startFrame(int len7, int headerLength) {
        int b0 = header[0] & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        boolean rsv1 = (b0 & 0x40) != 0;
        int opcode = b0 & 0x0F;
        if ((b0 & 0x30) != 0) {
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "RSV2 or RSV3 set without an extension that defines them");
        }
        if (rsv1 && !rsv1Allowed) {
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "RSV1 set without permessage-deflate");
        }
        boolean control = (opcode & 0x8) != 0;
        if (opcode > 0x2 && opcode < 0x8 || opcode > 0xA) {
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "unknown opcode " + opcode);
        }
        long length = len7;
        if (len7 == 126) {
            length = ((long) (header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (len7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "payload length with its most significant bit set");
            }
        }
        if (control && (!fin || length > 125)) {
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "control frame fragmented or over 125 bytes");
        }
        if (control && rsv1) {
            return fail(WebSocketWhiteboard.PROTOCOL_ERROR, "RSV1 on a control frame");
        }
        long limit = rsv1 ? WebSocketLimits.compressed(maxFrame) : maxFrame;
        if (length > limit) {
            return fail(WebSocketWhiteboard.MESSAGE_TOO_BIG, "frame of " + length + " bytes, over " + limit);
        }
        if (expectMasked) {
            System.arraycopy(header, headerLength - 4, mask, 0, 4);
        } else {
            java.util.Arrays.fill(mask, (byte) 0);
        }
        maskIndex = 0;
        payloadLeft = length;
        if (!frames.frameStart(opcode, fin, rsv1, length)) {
            failed = true;
            return false;
        }
        if (length == 0) {
            payloadLeft = -1;
            if (!frames.frameEnd()) {
                failed = true;
                return false;
            }
        }
        return true;
    }

    private void readPayload(ByteBuffer data) {
        if (scratch == null) {
            scratch = SCRATCH.get(); // looked up once: the reader stays on its loop thread
        }
        int n = (int) Math.min(payloadLeft, data.remaining());
        while (n > 0) {
            int k = Math.min(n, scratch.length);
            data.get(scratch, 0, k);
            for (int i = 0; i < k; i++) {
                scratch[i] ^= mask[maskIndex];
                maskIndex = (maskIndex + 1) & 3;
            }
            payloadLeft -= k;
            n -= k;
            if (!frames.payload(scratch, 0, k)) {
                failed = true;
                return;
            }
        }
        if (payloadLeft == 0) {
            payloadLeft = -1;
            if (!frames.frameEnd()) {
                failed = true;
            }
        }
    }

    private boolean fail(int code, String reason) {
        failed = true;
        frames.violation(code, reason);
        return false;
    }

    /** Stops reading for good (the connection is closing). */
    void stop() {
        failed = true;
    }
}
