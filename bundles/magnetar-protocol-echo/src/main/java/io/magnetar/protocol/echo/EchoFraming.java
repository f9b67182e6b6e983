package io.magnetar.protocol.echo;

import java.nio.ByteBuffer;

/**
 * Collects the bytes of one echo message until the {@code \r\n\r\n} separator, across reads, and
 * refuses messages longer than a limit before buffering them.
 *
 * <p>Confined to the event loop of the connection that owns it.
 */
public final class EchoFraming {

    /** The message separator. */
    public static final byte[] SEPARATOR = {'\r', '\n', '\r', '\n'};
    /** Default longest message, separator excluded. */
    public static final int DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;

    private final int maxMessage;
    private ByteBuffer message = ByteBuffer.allocate(256);
    /** How many separator bytes the message currently ends with. */
    private int matched;

    public EchoFraming(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    /**
     * Takes bytes from {@code data} up to and including a separator. Returns the message (without
     * the separator, flipped for reading) once complete, leaving the rest in {@code data}; returns
     * {@code null} when {@code data} was consumed without completing a message.
     *
     * @throws MessageTooLongException when the message would exceed the limit
     */
    public ByteBuffer feed(ByteBuffer data) {
        while (data.hasRemaining()) {
            if (matched == 0) {
                copyUpToCarriageReturn(data);
                if (!data.hasRemaining()) {
                    return null;
                }
            }
            byte b = data.get();
            if (b == SEPARATOR[matched]) {
                matched++;
            } else {
                // The separator has no proper prefix that is also a suffix except a lone '\r'.
                matched = b == SEPARATOR[0] ? 1 : 0;
            }
            if (matched == SEPARATOR.length) {
                message.flip();
                ByteBuffer done = message;
                done.limit(done.limit() - (SEPARATOR.length - 1));
                message = ByteBuffer.allocate(256);
                matched = 0;
                return done;
            }
            if (message.position() - (SEPARATOR.length - 1) >= maxMessage) {
                throw new MessageTooLongException("echo message longer than " + maxMessage + " bytes");
            }
            if (!message.hasRemaining()) {
                grow();
            }
            message.put(b);
        }
        return null;
    }

    /**
     * Copies the bytes before the next '\r' in one bulk put: they cannot start a separator, so the
     * byte-by-byte matching only runs around '\r'. Refuses them first if they would pass the limit.
     */
    private void copyUpToCarriageReturn(ByteBuffer data) {
        int from = data.position();
        int limit = data.limit();
        int i = from;
        while (i < limit && data.get(i) != SEPARATOR[0]) {
            i++;
        }
        int n = i - from;
        if (n == 0) {
            return;
        }
        if ((long) message.position() + n > maxMessage) {
            throw new MessageTooLongException("echo message longer than " + maxMessage + " bytes");
        }
        while (message.remaining() < n) {
            grow();
        }
        message.put(message.position(), data, from, n);
        message.position(message.position() + n);
        data.position(i);
    }

    private void grow() {
        int size = (int) Math.min((long) message.capacity() * 2, (long) maxMessage + SEPARATOR.length);
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, message.capacity() + 1));
        message.flip();
        bigger.put(message);
        message = bigger;
    }

    /** A message exceeded the configured limit; the connection should be closed. */
    public static final class MessageTooLongException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public MessageTooLongException(String message) {
            super(message);
        }
    }
}
