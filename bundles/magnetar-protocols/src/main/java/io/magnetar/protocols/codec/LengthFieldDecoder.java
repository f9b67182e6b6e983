package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Frames that carry their length in a field (the cases of Netty's {@code LengthFieldBasedFrameDecoder}):
 * the field is {@code fieldLength} bytes (1, 2, 3, 4 or 8; big or little endian) at {@code fieldOffset}
 * from the frame's start; the frame ends {@code value + adjustment} bytes after the field; the first
 * {@code strip} bytes are dropped before the frame is handed over. The maximum counts the whole frame,
 * header included, and is checked as soon as the field has arrived, before the body is buffered. A
 * field whose value makes the frame end before the field itself is a {@link FrameTooLongException} too
 * (a corrupt length: the connection must go).
 *
 * <p>Confined to its connection's event loop.
 */
public final class LengthFieldDecoder extends FrameDecoder {

    private final int fieldOffset;
    private final int fieldLength;
    private final boolean bigEndian;
    private final long adjustment;
    private final int strip;
    private final byte[] header;
    private int headerHave;
    /** Total frame length once the field is known, else -1. */
    private long total = -1;

    public LengthFieldDecoder(
            int maxFrame, int fieldOffset, int fieldLength, ByteOrder order, long adjustment, int strip) {
        super(maxFrame);
        if (fieldLength != 1 && fieldLength != 2 && fieldLength != 3 && fieldLength != 4 && fieldLength != 8) {
            throw new IllegalArgumentException("length field of " + fieldLength + " bytes: 1, 2, 3, 4 or 8");
        }
        if (fieldOffset < 0 || strip < 0) {
            throw new IllegalArgumentException("negative offset or strip");
        }
        this.fieldOffset = fieldOffset;
        this.fieldLength = fieldLength;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        this.adjustment = adjustment;
        this.strip = strip;
        this.header = new byte[fieldOffset + fieldLength];
    }

    /** A big-endian length prefix of {@code fieldLength} bytes counting the body only, stripped: the common case. */
    public static LengthFieldDecoder prefix(int maxFrame, int fieldLength) {
        return new LengthFieldDecoder(maxFrame, 0, fieldLength, ByteOrder.BIG_ENDIAN, 0, fieldLength);
    }

    @Override
    protected int scan(ByteBuffer buf, int from, int to, long scannedBefore) {
        int i = from;
        while (total < 0 && i < to) {
            header[headerHave++] = buf.get(i++);
            if (headerHave == header.length) {
                long value = value();
                total = (long) header.length + value + adjustment;
                if (value < 0 || total < header.length) {
                    throw new FrameTooLongException("corrupt length field " + value, maxFrame);
                }
                if (total > maxFrame) {
                    throw new FrameTooLongException("frame of " + total + " bytes, over " + maxFrame, maxFrame);
                }
            }
        }
        if (total < 0) {
            return -1;
        }
        long need = total - scannedBefore - (i - from);
        long available = (long) to - i;
        return available >= need ? (int) (i + need) : -1;
    }

    private long value() {
        long v = 0;
        for (int k = 0; k < fieldLength; k++) {
            int b = header[fieldOffset + (bigEndian ? k : fieldLength - 1 - k)] & 0xFF;
            v = (v << 8) | b;
        }
        return v; // an 8-byte field with its top bit set is negative: refused as corrupt
    }

    @Override
    protected int stripHead(int frameLength) {
        return Math.min(strip, frameLength);
    }

    @Override
    protected void reset() {
        headerHave = 0;
        total = -1;
    }
}
