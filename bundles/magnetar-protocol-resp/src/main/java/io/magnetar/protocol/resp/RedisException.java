package io.magnetar.protocol.resp;

/**
 * An error reply from the server ({@code -ERR unknown command}, {@code -WRONGTYPE ...}). It fails only
 * the command it answers; the connection stays usable. Inside an array reply it appears as an element.
 *
 * <p>Immutable.
 */
public final class RedisException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The error line as the server sent it, without the leading {@code -}. */
    public RedisException(String message) {
        // Parsed from the wire: a stack trace would only show the parser.
        super(message, null, false, false);
    }

    /** The error's first word, by convention its kind: {@code ERR}, {@code WRONGTYPE}, {@code NOSCRIPT}… */
    public String code() {
        String m = getMessage();
        int space = m.indexOf(' ');
        return space < 0 ? m : m.substring(0, space);
    }
}
