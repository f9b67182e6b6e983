package io.magnetar.websocket.internal;

import io.magnetar.protocols.InputBudget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * The payload of the message being assembled from its frames, reused from one message to the next, so
 * a stream of messages allocates nothing here; a buffer grown past 64 KiB is let go after its message,
 * so an idle connection keeps no large one. Made at the first message that needs it (most are delivered
 * without a copy: {@link IncomingMessage}). The content is {@code array()[0, length())}. The first
 * {@value #INITIAL} bytes are the connection's own; growth past them is taken from the process-wide
 * {@link InputBudget}.
 *
 * <p>Confined to its connection's event loop.
 */
final class MessageBuffer {

    static final int KEEP = 64 * 1024;
    private static final int INITIAL = 1024;

    private static final byte[] NONE = new byte[0];

    private byte[] buffer = NONE;
    private ByteBuffer bufferView;
    /** The content: the buffer, or the inflated copy of it. */
    private byte[] content = buffer;

    private int length;
    private ByteArrayOutputStream inflated;

    int length() {
        return length;
    }

    byte[] array() {
        return content;
    }

    /** Adds {@code a[from, to)}; false, adding nothing, when growing would pass the process-wide budget. */
    boolean append(byte[] a, int from, int to) {
        int n = to - from;
        if (length + n > buffer.length) {
            int size = Math.max(length + n, Math.max(INITIAL, buffer.length * 2));
            if (!InputBudget.take(size - Math.max(INITIAL, buffer.length))) {
                return false;
            }
            buffer = Arrays.copyOf(buffer, size);
            bufferView = ByteBuffer.wrap(buffer);
            content = buffer;
        }
        System.arraycopy(a, from, buffer, length, n);
        length += n;
        return true;
    }

    /** Replaces the content with its inflation; false, content unchanged, when that passes {@code max} bytes. */
    boolean inflate(PerMessageDeflate deflate, int max) throws DataFormatException {
        if (inflated == null) {
            inflated = new ByteArrayOutputStream();
        }
        inflated.reset();
        if (!deflate.inflate(buffer, length, inflated, max)) {
            return false;
        }
        content = inflated.toByteArray();
        length = content.length;
        if (inflated.size() > KEEP) {
            inflated = null;
        }
        return true;
    }

    /** The content as a buffer, valid until {@link #clear}. */
    ByteBuffer view() {
        if (bufferView == null) {
            bufferView = ByteBuffer.wrap(buffer);
        }
        ByteBuffer view = content == buffer ? bufferView : ByteBuffer.wrap(content);
        view.clear().limit(length);
        return view;
    }

    /** Empties it for the next message. */
    void clear() {
        length = 0;
        if (buffer.length > KEEP) {
            release();
        }
        content = buffer;
    }

    /** Gives the grown buffer back to the budget: after a large message, or when the connection is gone. */
    void release() {
        InputBudget.give(Math.max(0, buffer.length - INITIAL));
        buffer = NONE;
        bufferView = null;
        content = buffer;
        length = 0;
    }
}
