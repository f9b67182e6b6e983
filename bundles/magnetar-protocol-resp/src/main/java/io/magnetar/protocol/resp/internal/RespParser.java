package io.magnetar.protocol.resp.internal;

import io.magnetar.protocol.resp.RedisException;
import io.magnetar.protocol.resp.RespLimits;
import io.magnetar.protocol.resp.RespProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental RESP2 reply parser: a state machine fed with whatever bytes arrived, split anywhere
 * (even inside {@code \r\n}), which returns each reply once its last byte is in.
 *
 * <p>Replies map to: simple string → {@link String}; error → {@link RedisException} (a value, not
 * thrown); integer → {@link Long}; bulk string → {@code byte[]}; null bulk or null array →
 * {@code null}; array → {@link List} of these, nested as sent.
 *
 * <p>Not thread-safe: one parser per connection, used on its event loop. After a
 * {@link RespProtocolException} its state is undefined and the connection must be dropped.
 */
public final class RespParser {

    /** Returned by {@link #parse} when {@code data} ended before a whole reply. */
    public static final Object INCOMPLETE = new Object() {
        @Override
        public String toString() {
            return "INCOMPLETE";
        }
    };

    private enum State {
        TYPE,
        LINE,
        LINE_LF,
        BULK,
        BULK_CR,
        BULK_LF
    }

    /** An array being filled; arrays nest, so these stack. */
    private static final class Frame {
        final List<Object> items;
        final int expected;

        Frame(int expected) {
            // Capped: the header's count is only a claim until the elements really arrive.
            this.items = new ArrayList<>(Math.min(expected, 1024));
            this.expected = expected;
        }
    }

    private final RespLimits limits;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private State state = State.TYPE;
    private byte type;
    private byte[] line = new byte[64];
    private int lineLength;
    private byte[] bulk;
    private int bulkFilled;

    public RespParser(RespLimits limits) {
        this.limits = limits;
    }

    /**
     * Consumes bytes of {@code data} up to the end of the next complete reply and returns that reply
     * (which may be {@code null}), leaving later bytes in {@code data}; or consumes all of {@code data}
     * and returns {@link #INCOMPLETE}.
     *
     * @throws RespProtocolException when the bytes are not RESP2 or break a limit
     */
    public Object parse(ByteBuffer data) {
        while (data.hasRemaining()) {
            Object value = step(data);
            if (value != INCOMPLETE) {
                Object reply = addToArrays(value);
                if (reply != INCOMPLETE) {
                    return reply;
                }
            }
        }
        return INCOMPLETE;
    }

    /** True when no reply is partly parsed. */
    public boolean isIdle() {
        return state == State.TYPE && stack.isEmpty();
    }

    /** Moves by at least one byte; returns a finished value or {@link #INCOMPLETE}. */
    private Object step(ByteBuffer data) {
        switch (state) {
            case TYPE:
                type = data.get();
                if (type != '+' && type != '-' && type != ':' && type != '$' && type != '*') {
                    throw error("unknown RESP type byte 0x" + Integer.toHexString(type & 0xff));
                }
                lineLength = 0;
                state = State.LINE;
                return INCOMPLETE;
            case LINE:
                while (data.hasRemaining()) {
                    byte b = data.get();
                    if (b == '\r') {
                        state = State.LINE_LF;
                        return INCOMPLETE;
                    }
                    appendToLine(b);
                }
                return INCOMPLETE;
            case LINE_LF:
                expect(data.get(), '\n', "a line");
                state = State.TYPE;
                return lineDone();
            case BULK:
                int n = Math.min(data.remaining(), bulk.length - bulkFilled);
                data.get(bulk, bulkFilled, n);
                bulkFilled += n;
                if (bulkFilled == bulk.length) {
                    state = State.BULK_CR;
                }
                return INCOMPLETE;
            case BULK_CR:
                expect(data.get(), '\r', "a bulk string");
                state = State.BULK_LF;
                return INCOMPLETE;
            case BULK_LF:
                expect(data.get(), '\n', "a bulk string");
                state = State.TYPE;
                byte[] done = bulk;
                bulk = null;
                return done;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private void appendToLine(byte b) {
        if (lineLength == limits.maxLineLength()) {
            throw error("RESP line longer than " + limits.maxLineLength() + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, limits.maxLineLength()));
        }
        line[lineLength++] = b;
    }

    private Object lineDone() {
        switch (type) {
            case '+':
                return new String(line, 0, lineLength, StandardCharsets.UTF_8);
            case '-':
                return new RedisException(new String(line, 0, lineLength, StandardCharsets.UTF_8));
            case ':':
                return number();
            case '$':
                return startBulk(number());
            default:
                return startArray(number());
        }
    }

    private Object startBulk(long length) {
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw error("negative bulk string length " + length);
        }
        if (length > limits.maxBulkLength()) {
            throw error("bulk string of " + length + " bytes exceeds the limit of " + limits.maxBulkLength());
        }
        bulk = new byte[(int) length];
        bulkFilled = 0;
        state = length == 0 ? State.BULK_CR : State.BULK;
        return INCOMPLETE;
    }

    private Object startArray(long count) {
        if (count == -1) {
            return null;
        }
        if (count < 0) {
            throw error("negative array length " + count);
        }
        if (count > limits.maxArrayLength()) {
            throw error("array of " + count + " elements exceeds the limit of " + limits.maxArrayLength());
        }
        if (count == 0) {
            return new ArrayList<>(0);
        }
        if (stack.size() == limits.maxDepth()) {
            throw error("arrays nested deeper than " + limits.maxDepth());
        }
        stack.push(new Frame((int) count));
        return INCOMPLETE;
    }

    /** Puts a finished value into the enclosing arrays; returns the top-level reply once complete. */
    private Object addToArrays(Object value) {
        Object v = value;
        for (Frame f = stack.peek(); f != null; f = stack.peek()) {
            f.items.add(v);
            if (f.items.size() < f.expected) {
                return INCOMPLETE;
            }
            stack.pop();
            v = f.items;
        }
        return v;
    }

    private long number() {
        if (lineLength == 0) {
            throw error("empty number in a '" + (char) type + "' line");
        }
        boolean negative = line[0] == '-';
        int i = negative ? 1 : 0;
        if (i == lineLength) {
            throw error("'-' without digits in a '" + (char) type + "' line");
        }
        long n = 0;
        for (; i < lineLength; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                throw error("not a number in a '" + (char) type + "' line: "
                        + new String(line, 0, lineLength, StandardCharsets.UTF_8));
            }
            // Accumulating negatively reaches Long.MIN_VALUE too; overflow shows as a sign flip.
            long next = n * 10 - d;
            if (n < Long.MIN_VALUE / 10 || next > n) {
                throw error("number out of range in a '" + (char) type + "' line");
            }
            n = next;
        }
        if (!negative) {
            if (n == Long.MIN_VALUE) {
                throw error("number out of range in a '" + (char) type + "' line");
            }
            n = -n;
        }
        return n;
    }

    private static void expect(byte got, char wanted, String what) {
        if (got != wanted) {
            throw error((wanted == '\r' ? "missing CRLF after " : "CR not followed by LF after ") + what + ": got 0x"
                    + Integer.toHexString(got & 0xff));
        }
    }

    private static RespProtocolException error(String message) {
        return new RespProtocolException(message);
    }
}
