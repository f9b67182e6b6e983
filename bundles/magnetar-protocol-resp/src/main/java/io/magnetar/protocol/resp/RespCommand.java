package io.magnetar.protocol.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One command as RESP sends it: an array of bulk strings ({@code *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n}).
 *
 * <p>Immutable.
 */
public final class RespCommand {

    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[][] args;
    private final int encodedLength;

    private RespCommand(byte[][] args) {
        this.args = args;
        int n = header(args.length).length;
        for (byte[] a : args) {
            n += header(a.length).length + a.length + CRLF.length;
        }
        this.encodedLength = n;
    }

    /**
     * A command from its name and arguments: {@code byte[]} as is, text as UTF-8, numbers in decimal.
     *
     * @throws IllegalArgumentException for no arguments, {@code null} or another type
     */
    public static RespCommand of(Object... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = bytes(args[i]);
        }
        return new RespCommand(bytes);
    }

    private static byte[] bytes(Object arg) {
        if (arg instanceof byte[] b) {
            return b.clone();
        }
        if (arg instanceof CharSequence s) {
            return s.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (arg instanceof Long
                || arg instanceof Integer
                || arg instanceof Short
                || arg instanceof Byte
                || arg instanceof Double
                || arg instanceof Float) {
            return arg.toString().getBytes(StandardCharsets.US_ASCII);
        }
        throw new IllegalArgumentException("a command argument is byte[], text or a number, got "
                + (arg == null ? "null" : arg.getClass().getName()));
    }

    /** {@code *<n>\r\n} or {@code $<n>\r\n} without the type byte and as one array, for sizing. */
    private static byte[] header(int n) {
        return ("*" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The command name (the first argument) as text, for messages. */
    public String name() {
        return new String(args[0], StandardCharsets.UTF_8);
    }

    /** Number of arguments, the name included. */
    public int size() {
        return args.length;
    }

    /** Bytes this command takes on the wire. */
    public int encodedLength() {
        return encodedLength;
    }

    /** Writes the command into {@code out}, which must have {@link #encodedLength()} bytes free. */
    public void encodeTo(ByteBuffer out) {
        out.put(header(args.length));
        for (byte[] a : args) {
            byte[] h = header(a.length);
            h[0] = '$';
            out.put(h).put(a).put(CRLF);
        }
    }

    /** The command in a new buffer, ready to write. */
    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedLength);
        encodeTo(b);
        return b.flip();
    }

    /** Several commands in one buffer, ready for one write (a pipeline). */
    public static ByteBuffer encode(List<RespCommand> commands) {
        int total = 0;
        for (RespCommand c : commands) {
            total += c.encodedLength;
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        for (RespCommand c : commands) {
            c.encodeTo(b);
        }
        return b.flip();
    }

    /** The name and the argument count only: values may be secrets ({@code AUTH}). */
    @Override
    public String toString() {
        return name() + (args.length > 1 ? " (" + (args.length - 1) + " arguments)" : "");
    }
}
