package io.magnetar.protocol.resp.internal;

import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.codec.PendingOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies in RESP2, or in RESP3 once the client asked for it with {@code HELLO 3} (nulls, maps and
 * verbatim text then have their own types; everything else is written the same), into one of the loop thread's shared output buffers ({@link PendingOutput}: lent at the
 * first reply, given back at the flush, so an idle connection keeps none) and hands it to the transport
 * with {@link StreamTransport#writeCopy}, which copies only what the socket does not take at once: the
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
    private static final byte[] NULL = ascii("_\r\n");
    private static final byte[] TXT = ascii("txt:");

    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] digits = new byte[Ascii.MAX_LONG_CHARS];
    /** A counter's digits: apart from {@link #digits}, which the bulk header they go under reuses. */
    private final byte[] valueDigits = new byte[Ascii.MAX_LONG_CHARS];

    private StreamTransport transport;
    private final PendingOutput output = new PendingOutput();
    /** The protocol {@code HELLO} chose: 2 (the default) or 3. */
    private boolean resp3;

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void attach(StreamTransport t) {
        this.transport = t;
        output.attach(t);
    }

    /** A reply encoded in advance ({@link #OK}, {@link #PONG}, ...). */
    void raw(byte[] encoded) {
        output.reserve(encoded.length).put(encoded);
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
        output.reserve(m.length + 3).put((byte) '-').put(m).put(CRLF);
        flushIfFull();
    }

    /** RESP3 from now on ({@code HELLO 3}), or back to RESP2 ({@code HELLO 2}). */
    void resp3(boolean on) {
        resp3 = on;
    }

    boolean isResp3() {
        return resp3;
    }

    /** No value where a string was asked for: {@code $-1} in RESP2, {@code _} in RESP3. */
    void nullBulk() {
        raw(resp3 ? NULL : NULL_BULK);
    }

    /** No value where a list was asked for: {@code *-1} in RESP2, {@code _} in RESP3. */
    void nullArray() {
        raw(resp3 ? NULL : NULL_ARRAY);
    }

    /** A map of {@code n} pairs to follow: {@code %n} in RESP3, a flat array of {@code 2n} in RESP2. */
    void mapHeader(long n) {
        if (resp3) {
            header((byte) '%', n);
        } else {
            header((byte) '*', 2 * n);
        }
    }

    /** Text for a person ({@code INFO}): RESP3's verbatim string of format {@code txt}, else a bulk string. */
    void text(byte[] utf8) {
        if (!resp3) {
            bulk(utf8, 0, utf8.length);
            return;
        }
        header((byte) '=', TXT.length + utf8.length);
        output.reserve(TXT.length + utf8.length + CRLF.length).put(TXT).put(utf8);
        raw(CRLF);
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
            output.reserve(length + CRLF.length).put(a, offset, length);
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
        output.reserve(1 + digits.length - start + CRLF.length)
                .put(type)
                .put(digits, start, digits.length - start)
                .put(CRLF);
    }

    private void flushIfFull() {
        if (output.pending() >= FLUSH_AT) {
            flush();
        }
    }

    /** Hands the pending output to the transport, and the buffer back. */
    void flush() {
        output.flush();
    }

    /** Drops the pending output unsent (the connection is gone) and gives the buffer back. */
    void release() {
        output.release();
    }
}
