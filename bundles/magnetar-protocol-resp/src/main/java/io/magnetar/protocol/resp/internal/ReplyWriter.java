package io.magnetar.protocol.resp.internal;

import io.magnetar.api.StreamTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes RESP2 replies into one reusable output buffer and hands it to the transport with
 * {@link StreamTransport#writeCopy}, which copies only what the socket does not take at once: the
 * replies to the commands of one read leave in one write and, in steady state, nothing is allocated.
 * Stored values over {@link #COPY_UP_TO} are not copied: their array, never changed once stored, is
 * written as it is.
 *
 * <p>Confined to its connection's event loop.
 */
final class ReplyWriter {

    /** Bulk strings up to this size are copied next to their header: one write beats two. */
    static final int COPY_UP_TO = 8 * 1024;
    /** Past this much pending output, write now rather than grow the buffer. */
    static final int FLUSH_AT = 16 * 1024;

    static final byte[] OK = ascii("+OK\r\n");
    static final byte[] PONG = ascii("+PONG\r\n");
    static final byte[] NULL_BULK = ascii("$-1\r\n");
    static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    static final byte[] EMPTY_ARRAY = ascii("*0\r\n");

    private static final int INITIAL = 4 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] digits = new byte[Ascii.MAX_LONG_CHARS];
    /** A counter's digits: apart from {@link #digits}, which the bulk header they go under reuses. */
    private final byte[] valueDigits = new byte[Ascii.MAX_LONG_CHARS];

    private StreamTransport transport;
    private ByteBuffer out = ByteBuffer.allocate(INITIAL);

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void attach(StreamTransport t) {
        this.transport = t;
    }

    /** A reply encoded in advance ({@link #OK}, {@link #PONG}, ...). */
    void raw(byte[] encoded) {
        reserve(encoded.length);
        out.put(encoded);
        flushIfFull();
    }

    /**
     * An error reply; {@code message} starts with its code ({@code ERR}, {@code WRONGTYPE}). Line ends in
     * it (from a client's bytes) become blanks, so the reply stays one line; its chars are taken as
     * ISO-8859-1, so client bytes decoded that way come back unchanged.
     */
    void error(String message) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\r' || m[i] == '\n') {
                m[i] = ' ';
            }
        }
        reserve(m.length + 3);
        out.put((byte) '-').put(m).put(CRLF);
        flushIfFull();
    }

    void integer(long v) {
        header((byte) ':', v);
        flushIfFull();
    }

    void arrayHeader(long n) {
        header((byte) '*', n);
    }

    /** A stored value: copied when small, else written as it is (it is never changed). */
    void bulk(byte[] value) {
        if (value.length <= COPY_UP_TO) {
            bulk(value, 0, value.length);
            return;
        }
        header((byte) '$', value.length);
        flush();
        transport.write(ByteBuffer.wrap(value).asReadOnlyBuffer());
        raw(CRLF);
    }

    /** A bulk string of bytes the caller will reuse (the parser's arena): always copied. */
    void bulk(byte[] a, int offset, int length) {
        header((byte) '$', length);
        if (length > COPY_UP_TO) {
            flush();
            transport.writeCopy(ByteBuffer.wrap(a, offset, length));
        } else {
            reserve(length + CRLF.length);
            out.put(a, offset, length);
        }
        raw(CRLF);
    }

    /** A counter's value as a bulk string, as {@code GET} answers it. */
    void bulk(long v) {
        int start = Ascii.format(v, valueDigits);
        bulk(valueDigits, start, valueDigits.length - start);
    }

    /** {@code <type><n>\r\n}. */
    private void header(byte type, long n) {
        int start = Ascii.format(n, digits);
        reserve(1 + digits.length - start + CRLF.length);
        out.put(type).put(digits, start, digits.length - start).put(CRLF);
    }

    private void reserve(int size) {
        if (out.remaining() < size) {
            flush();
            if (out.capacity() < size) {
                out = ByteBuffer.allocate(size);
            }
        }
    }

    private void flushIfFull() {
        if (out.position() >= FLUSH_AT) {
            flush();
        }
    }

    /** Hands the pending output to the transport. */
    void flush() {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        transport.writeCopy(out);
        // A buffer grown for one big reply goes back to its normal size.
        out = out.capacity() > FLUSH_AT + COPY_UP_TO ? ByteBuffer.allocate(INITIAL) : out.clear();
    }
}
