package io.magnetar.protocol.resp.internal;

import io.magnetar.protocol.resp.RespServerLimits;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Incremental parser of RESP2 requests, the server side: arrays of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands ({@code PING\r\n}, split on blanks, no
 * quoting), fed with whatever bytes arrived, split anywhere, into the reused {@link Arguments} of one
 * connection.
 *
 * <p>Limits are checked before bytes are kept: a bulk length, an argument count or the sum of the
 * declared lengths over its {@link RespServerLimits} ends parsing with {@link #ERROR} at its header, so
 * the arena never grows past {@code maxFrameBytes} and the index past {@code maxArgs}. Empty inline
 * lines and arrays of zero or negative length are skipped, as redis does.
 *
 * <p>Not thread-safe: one parser per connection, used on its event loop. After {@link #ERROR} its
 * state is undefined: the connection must be dropped.
 */
final class CommandParser {

    /** {@link #parse} consumed every byte and no command is complete yet. */
    static final int NEED_MORE = 0;
    /** {@link #parse} stopped after a complete command: its arguments are readable until the next parse. */
    static final int COMMAND = 1;
    /** {@link #parse} found bytes that are not a request, or a command over a limit; see {@link #error()}. */
    static final int ERROR = 2;

    /** 18 digits cannot overflow a long; a longer length line is no length any limit allows. */
    private static final int MAX_DIGITS = 18;

    private enum State {
        IDLE,
        COUNT,
        COUNT_LF,
        DOLLAR,
        LENGTH,
        LENGTH_LF,
        BULK,
        BULK_CR,
        BULK_LF,
        INLINE
    }

    private final RespServerLimits limits;
    private final int inlineLimit;
    private final Arguments args;
    private State state = State.IDLE;
    private int expectedArgs;
    private long frameBytes;
    private int bulkRemaining;
    private long number;
    private int digits;
    private boolean negative;
    private String error;
    /** True while the connection must authenticate first: redis-server's tighter limits apply. */
    private BooleanSupplier unauthenticated = () -> false;
    /** {@link #unauthenticated}, read once per command at its array header. */
    private boolean guarded;

    /**
     * Before a client has authenticated (a password is set), redis-server takes at most
     * {@value #UNAUTHENTICATED_ARGS} arguments and bulks of {@value #UNAUTHENTICATED_BULK} bytes: a stranger
     * cannot make the server buffer megabytes only to be told {@code NOAUTH}.
     */
    static final int UNAUTHENTICATED_ARGS = 10;

    static final int UNAUTHENTICATED_BULK = 16 * 1024;

    /** A parser whose input no other connection shares a budget with (tests). */
    CommandParser(RespServerLimits limits) {
        this(limits, new InputBudget(0), new InputBudget.Share(reason -> {}));
    }

    /** A parser whose arena counts against {@code budget} as {@code share}. */
    CommandParser(RespServerLimits limits, InputBudget budget, InputBudget.Share share) {
        this.limits = limits;
        // The arena holds inline lines too: it must never outgrow the frame limit for them either.
        this.inlineLimit = Math.min(limits.maxInlineLength(), limits.maxFrameBytes());
        this.args = new Arguments(limits, budget, share);
    }

    /** Asked at each command's array header: whether the client still has to authenticate. */
    void guardUnauthenticated(BooleanSupplier unauthenticated) {
        this.unauthenticated = unauthenticated;
    }

    /**
     * Consumes bytes of {@code data} up to the end of the next complete command ({@link #COMMAND}, later
     * bytes stay in {@code data}), or all of them ({@link #NEED_MORE}), or up to a protocol error
     * ({@link #ERROR}). Never throws for any input.
     */
    int parse(ByteBuffer data) {
        try {
            return parseWithinBudget(data);
        } catch (Arguments.OverBudgetException e) {
            return fail(e.getMessage());
        }
    }

    private int parseWithinBudget(ByteBuffer data) {
        while (data.hasRemaining() && error == null) {
            switch (state) {
                case IDLE -> startCommand(data);
                case COUNT -> {
                    if (readLength(data, State.COUNT_LF)) {
                        countDone();
                    }
                }
                case COUNT_LF -> {
                    if (expectLf(data, "multibulk length")) {
                        countDone();
                    }
                }
                case DOLLAR -> {
                    byte b = data.get();
                    if (b != '$') {
                        return fail("Protocol error: expected '$', got '" + printable(b) + "'");
                    }
                    startNumber();
                    state = State.LENGTH;
                }
                case LENGTH -> {
                    if (readLength(data, State.LENGTH_LF)) {
                        lengthDone();
                    }
                }
                case LENGTH_LF -> {
                    if (expectLf(data, "bulk length")) {
                        lengthDone();
                    }
                }
                case BULK -> readBulk(data);
                case BULK_CR, BULK_LF -> {
                    if (bulkEnd(data)) {
                        return COMMAND;
                    }
                }
                case INLINE -> {
                    if (readInline(data)) {
                        state = State.IDLE;
                        if (args.count() > 0) {
                            return COMMAND;
                        }
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return error != null ? ERROR : NEED_MORE;
    }

    private void startCommand(ByteBuffer data) {
        args.clear();
        frameBytes = 0;
        if (data.get(data.position()) == '*') {
            data.get();
            startNumber();
            state = State.COUNT;
        } else {
            state = State.INLINE;
        }
    }

    private void startNumber() {
        number = 0;
        digits = 0;
        negative = false;
    }

    /**
     * Reads a length line; true once it is complete with its CRLF. When the CR is the last byte there,
     * the parser waits in {@code lfState}. Sets {@link #error} on a bad byte. Indexes the buffer
     * directly: this is the loop every argument goes through.
     */
    private boolean readLength(ByteBuffer data, State lfState) {
        int pos = data.position();
        int limit = data.limit();
        while (pos < limit) {
            byte b = data.get(pos++);
            if (b >= '0' && b <= '9' && digits < MAX_DIGITS) {
                number = number * 10 + (b - '0');
                digits++;
            } else if (b == '\r' && digits > 0) {
                if (pos == limit) {
                    data.position(pos);
                    state = lfState;
                    return false;
                }
                data.position(pos + 1);
                if (data.get(pos) != '\n') {
                    fail("Protocol error: " + (lfState == State.COUNT_LF ? "multibulk" : "bulk")
                            + " length line not ended by CRLF");
                    return false;
                }
                return true;
            } else if (b == '-' && digits == 0 && !negative) {
                negative = true;
            } else {
                data.position(pos);
                fail("Protocol error: invalid " + (lfState == State.COUNT_LF ? "multibulk" : "bulk") + " length");
                return false;
            }
        }
        data.position(pos);
        return false;
    }

    private boolean expectLf(ByteBuffer data, String what) {
        if (data.get() != '\n') {
            fail("Protocol error: " + what + " line not ended by CRLF");
            return false;
        }
        return true;
    }

    /** The array header is in: check the count, or skip an empty or null array. */
    private void countDone() {
        long n = negative ? -number : number;
        guarded = n > 0 && unauthenticated.getAsBoolean();
        if (n <= 0) {
            state = State.IDLE; // *0 and *-1 are no command, as in redis
        } else if (guarded && n > UNAUTHENTICATED_ARGS) {
            fail("Protocol error: unauthenticated multibulk length"); // redis-server's words
        } else if (n > limits.maxArgs()) {
            fail("Protocol error: multibulk length " + n + " exceeds the limit of " + limits.maxArgs());
        } else {
            expectedArgs = (int) n;
            state = State.DOLLAR;
        }
    }

    /** A bulk header is in: refuse it over a limit, before any of its bytes is kept. */
    private void lengthDone() {
        if (negative) {
            fail("Protocol error: invalid bulk length");
            return;
        }
        if (guarded && number > UNAUTHENTICATED_BULK) {
            fail("Protocol error: unauthenticated bulk length");
            return;
        }
        if (number > limits.maxBulkLength()) {
            fail("Protocol error: bulk length " + number + " exceeds the limit of " + limits.maxBulkLength());
            return;
        }
        if (frameBytes + number > limits.maxFrameBytes()) {
            fail("Protocol error: command of more than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        frameBytes += number;
        bulkRemaining = (int) number;
        args.startArgument(bulkRemaining);
        state = bulkRemaining == 0 ? State.BULK_CR : State.BULK;
    }

    private void readBulk(ByteBuffer data) {
        int n = Math.min(data.remaining(), bulkRemaining);
        args.append(data, n);
        bulkRemaining -= n;
        if (bulkRemaining == 0) {
            state = State.BULK_CR;
        }
    }

    /** Reads the CRLF after a bulk string; true when it ends the command. */
    private boolean bulkEnd(ByteBuffer data) {
        if (state == State.BULK_CR) {
            if (data.get() != '\r') {
                fail("Protocol error: bulk string not followed by CRLF");
                return false;
            }
            state = State.BULK_LF;
            if (!data.hasRemaining()) {
                return false;
            }
        }
        if (data.get() != '\n') {
            fail("Protocol error: bulk string not followed by CRLF");
            return false;
        }
        if (args.count() == expectedArgs) {
            state = State.IDLE;
            return true;
        }
        state = State.DOLLAR;
        return false;
    }

    /** Reads an inline line up to its LF; true once the line is complete and split. */
    private boolean readInline(ByteBuffer data) {
        int pos = data.position();
        int limit = data.limit();
        int lf = pos;
        while (lf < limit && data.get(lf) != '\n') {
            lf++;
        }
        int n = lf - pos;
        if (args.used() + n > inlineLimit) {
            fail("Protocol error: too big inline request (limit " + inlineLimit + " bytes)");
            return false;
        }
        args.append(data, n);
        if (lf == limit) {
            return false;
        }
        data.get(); // the LF
        int split = args.splitLine();
        if (split == Arguments.TOO_MANY_ARGS) {
            fail("Protocol error: inline request of more than " + limits.maxArgs() + " arguments");
            return false;
        }
        if (split == Arguments.UNBALANCED_QUOTES) {
            fail("Protocol error: unbalanced quotes in request"); // redis-server's words
            return false;
        }
        return true;
    }

    private int fail(String message) {
        error = message;
        return ERROR;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }

    /** The arguments of the complete command: readable until the next {@link #parse}. */
    Arguments args() {
        return args;
    }

    /** The reason of the last {@link #ERROR}, ready for an {@code -ERR} reply. */
    String error() {
        return error;
    }

    /** True between commands: no partial command is held. */
    boolean isIdle() {
        return state == State.IDLE;
    }

    /** The largest the argument arena has been, in bytes (tests check it against the frame limit). */
    int peakArena() {
        return args.peakArena();
    }

    /** The largest the argument index has been, in entries. */
    int peakArgs() {
        return args.peakArgs();
    }
}
