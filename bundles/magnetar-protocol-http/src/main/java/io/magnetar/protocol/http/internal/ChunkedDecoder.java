package io.magnetar.protocol.http.internal;

import java.nio.ByteBuffer;

/**
 * Decodes a chunked body (RFC 9112 7.1) byte by byte across reads: chunk sizes with optional
 * extensions (read and ignored), chunk data appended to the body, and a trailer section that is
 * checked for syntax and dropped. A chunk that would take the body over its limit is refused
 * (413) as soon as its size is known, before any of its data is buffered.
 *
 * <p>Confined to its connection's event loop.
 */
final class ChunkedDecoder {

    static final int NEED_MORE = 0;
    static final int COMPLETE = 1;
    static final int ERROR = 2;

    /** Longest chunk-size line, extensions included: extensions are ignored, so they need not be long. */
    static final int MAX_SIZE_LINE = 4096;

    private static final int SIZE = 0;
    private static final int SIZE_WS = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER_START = 7;
    private static final int TRAILER_NAME = 8;
    private static final int TRAILER_VALUE = 9;
    private static final int TRAILER_LF = 10;
    private static final int END_LF = 11;

    private final int maxBody;
    private final int maxTrailerBytes;
    private int state;
    private int digits;
    private int lineBytes;
    private int trailerBytes;
    private long chunkSize;
    private long chunkRemaining;

    int errorStatus;
    String errorReason;

    ChunkedDecoder(int maxBody, int maxTrailerBytes) {
        this.maxBody = maxBody;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    void reset() {
        state = SIZE;
        digits = 0;
        lineBytes = 0;
        trailerBytes = 0;
        chunkSize = 0;
        chunkRemaining = 0;
        errorStatus = 0;
        errorReason = null;
    }

    /** Takes body bytes from {@code data} into {@code body}; stops right after the last CRLF of the body. */
    int feed(ByteBuffer data, BodyBuffer body) {
        while (data.hasRemaining()) {
            if (state == DATA) {
                int n = (int) Math.min(chunkRemaining, data.remaining());
                if (!body.append(data, n)) {
                    return error(503, "server input buffers full");
                }
                chunkRemaining -= n;
                if (chunkRemaining == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            int r = step(data.get(), body);
            if (r != NEED_MORE) {
                return r;
            }
        }
        return NEED_MORE;
    }

    private int step(byte b, BodyBuffer body) {
        if (state <= SIZE_LF && ++lineBytes > MAX_SIZE_LINE) {
            return error(400, "chunk size line longer than " + MAX_SIZE_LINE + " bytes");
        }
        if (state >= TRAILER_START && ++trailerBytes > maxTrailerBytes) {
            return error(431, "trailer section larger than " + maxTrailerBytes + " bytes");
        }
        switch (state) {
            case SIZE:
                return size(b, body);
            case SIZE_WS:
                if (b == ';') {
                    state = EXTENSION;
                } else if (b == '\r') {
                    state = SIZE_LF;
                } else if (!Ascii.isWhitespace(b)) {
                    return error(400, "invalid chunk size");
                }
                return NEED_MORE;
            case EXTENSION:
                if (b == '\r') {
                    state = SIZE_LF;
                } else if (!Ascii.isFieldByte(b)) {
                    return error(400, "invalid chunk extension");
                }
                return NEED_MORE;
            case SIZE_LF:
                return sizeLineEnd(b);
            case DATA_CR:
                return expect(b, '\r', DATA_LF, "chunk data not followed by CRLF");
            case DATA_LF:
                lineBytes = 0;
                return expect(b, '\n', SIZE, "chunk data not followed by CRLF");
            case TRAILER_START:
                if (b == '\r') {
                    state = END_LF;
                    return NEED_MORE;
                }
                if (!Ascii.isTchar(b)) {
                    return error(400, "invalid trailer field");
                }
                state = TRAILER_NAME;
                return NEED_MORE;
            case TRAILER_NAME:
                if (b == ':') {
                    state = TRAILER_VALUE;
                } else if (!Ascii.isTchar(b)) {
                    return error(400, "invalid trailer field");
                }
                return NEED_MORE;
            case TRAILER_VALUE:
                if (b == '\r') {
                    state = TRAILER_LF;
                } else if (!Ascii.isFieldByte(b)) {
                    return error(400, "invalid byte in trailer field value");
                }
                return NEED_MORE;
            case TRAILER_LF:
                return expect(b, '\n', TRAILER_START, "trailer line not ended by CRLF");
            case END_LF:
                if (b != '\n') {
                    return error(400, "trailer section not ended by CRLF");
                }
                return COMPLETE;
            default:
                return error(500, "chunked decoder in state " + state);
        }
    }

    private int size(byte b, BodyBuffer body) {
        int d = Ascii.hex(b);
        if (d >= 0) {
            digits++;
            chunkSize = chunkSize * 16 + d;
            // Bounded before it can overflow: the body limit is an int.
            if (chunkSize > maxBody - body.length()) {
                return error(413, "chunked body over the limit of " + maxBody + " bytes");
            }
            return NEED_MORE;
        }
        if (digits == 0) {
            return error(400, "invalid chunk size");
        }
        if (b == ';') {
            state = EXTENSION;
        } else if (Ascii.isWhitespace(b)) {
            state = SIZE_WS;
        } else if (b == '\r') {
            state = SIZE_LF;
        } else {
            return error(400, "invalid chunk size");
        }
        return NEED_MORE;
    }

    private int sizeLineEnd(byte b) {
        if (b != '\n') {
            return error(400, "chunk size line not ended by CRLF");
        }
        if (chunkSize == 0) {
            state = TRAILER_START;
        } else {
            chunkRemaining = chunkSize;
            state = DATA;
        }
        chunkSize = 0;
        digits = 0;
        return NEED_MORE;
    }

    private int expect(byte b, char wanted, int next, String reason) {
        if (b != wanted) {
            return error(400, reason);
        }
        state = next;
        return NEED_MORE;
    }

    private int error(int status, String reason) {
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }
}
