package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protocol of UTF-8 text lines, the commonest case of {@link MessageProtocol}: a message arrives as the
 * line without its LF or CRLF, and {@link #send} writes it followed by LF. The author writes only
 * {@link #onMessage}:
 *
 * <pre>{@code
 * new LineProtocol() {
 *     protected void onMessage(String line) { send(line.toUpperCase()); }
 * }
 * }</pre>
 *
 * <p>Threading as {@link MessageProtocol}: confined to its transport's event loop, except {@link #send}
 * and {@link #ask}. A line longer than the maximum closes that connection (logged), never the server.
 */
public abstract class LineProtocol extends MessageProtocol<String> {

    /** The longest line accepted when none is given: 64 KiB. */
    public static final int DEFAULT_MAX_LINE = 64 * 1024;

    private static final byte[] LF = {'\n'};

    protected LineProtocol() {
        this(DEFAULT_MAX_LINE);
    }

    /** @param maxLine the longest line accepted, in bytes, its LF or CRLF included */
    protected LineProtocol(int maxLine) {
        super(new LineDecoder(maxLine, true), FrameEncoder.delimiter(LF));
    }

    @Override
    protected String decode(ByteBuffer frame) {
        return StandardCharsets.UTF_8.decode(frame).toString();
    }

    @Override
    protected ByteBuffer encode(String line) {
        return ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    }
}
