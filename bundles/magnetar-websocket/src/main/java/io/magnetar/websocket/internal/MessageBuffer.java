package io.magnetar.websocket.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * The payload of the message being assembled from its frames, reused from one message to the next, so
 * a stream of messages allocates nothing here; a buffer grown past 64 KiB is let go after its message,
 * so an idle connection keeps no large one. The content is {@code array()[0, length())}.
 *
 * <p>Confined to its connection's event loop.
 */
final class MessageBuffer {

    static final int KEEP = 64 * 1024;
    private static final int INITIAL = 1024;

    private byte[] buffer = new byte[INITIAL];
    private ByteBuffer bufferView = ByteBuffer.wrap(buffer);
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

    void append(byte[] a, int from, int to) {
        int n = to - from;
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(length + n, buffer.length * 2));
            bufferView = ByteBuffer.wrap(buffer);
            content = buffer;
        }
        System.arraycopy(a, from, buffer, length, n);
        length += n;
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
        ByteBuffer view = content == buffer ? bufferView : ByteBuffer.wrap(content);
        view.clear().limit(length);
        return view;
    }

    /** Empties it for the next message. */
    void clear() {
        length = 0;
        if (buffer.length > KEEP) {
            buffer = new byte[INITIAL];
            bufferView = ByteBuffer.wrap(buffer);
        }
        content = buffer;
    }
}
