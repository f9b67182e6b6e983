package io.magnetar.protocol.echo;

import java.nio.ByteBuffer;

/**
 * Collects the bytes of one echo message until the {@code \r\n\r\n} separator, across reads, and
 * refuses messages longer than a limit before buffering them. One buffer serves every message, so a
 * steady stream of messages allocates nothing; a buffer grown past {@value #KEPT_CAPACITY} bytes for a
 * long message is let go once that message was delivered.
 *
 * <p>The echo consumers frame with {@link io.magnetar.protocols.codec.DelimiterDecoder}, which hands a
 * message over in place and valid only during the call; this class stays for code that keeps a message
 * past the call, and holds the separator and the default limit.
 *
 * <p>Confined to the event loop of the connection that owns it.
 */
public final class EchoFraming {

    /** The message separator. */
    // Exported API since 0.1; callers only read it.
    @SuppressWarnings("MutablePublicArray")
    public static final byte[] SEPARATOR = {'\r', '\n', '\r', '\n'};
    /** Default longest message, separator excluded. */
    public static final int DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;

    /** Largest buffer kept between messages. */
    public static final int KEPT_CAPACITY = 64 * 1024;

    private static final int INITIAL_CAPACITY = 256;

    private final int maxMessage;
    private ByteBuffer message = ByteBuffer.allocate(INITIAL_CAPACITY);
    /** How many separator bytes the message currently ends with. */
    private int matched;
    /** The buffer holds a message handed out by {@link #feed}, to be cleared by the next feed. */
    private boolean delivered;

    public EchoFraming(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    /**
     * Takes bytes from {@code data} up to and including a separator. Returns the message (without
     * the separator, flipped for reading) once complete, leaving the rest in {@code data}; returns
     * {@code null} when {@code data} was consumed without completing a message. The returned buffer
     * is this framing's own: it is valid until the next call, and {@link #withSeparator} widens it.
     *
     * @throws MessageTooLongException when the message would exceed the limit
     */
    public ByteBuffer feed(ByteBuffer data) {
        if (delivered) {
            delivered = false;
            if (message.capacity() > KEPT_CAPACITY) {
                message = ByteBuffer.allocate(INITIAL_CAPACITY);
            } else {
                message.clear();
            }
        }
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
                // The separator's last byte is kept too, so the message can be written back whole.
                if (!message.hasRemaining()) {
                    grow();
                }
                message.put(b).flip();
                message.limit(message.limit() - SEPARATOR.length);
                matched = 0;
                delivered = true;
                return message;
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

    /**
     * Widens the message {@link #feed} just returned to end with its separator (position 0), for
     * writing it back in one piece. Valid only until the next {@link #feed}.
     */
    public ByteBuffer withSeparator() {
        if (!delivered) {
            throw new IllegalStateException("no message delivered");
        }
        int end = message.limit() + SEPARATOR.length;
        return message.position(0).limit(end);
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
