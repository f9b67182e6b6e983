package io.magnetar.protocol.resp.internal;

import io.magnetar.protocol.resp.RespServerLimits;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The arguments of the command being parsed: their bytes copied into one arena, indexed by start and
 * length. Reused from command to command, so that a command costs no allocation once the arena has grown
 * to the connection's usual command size; an unusually large command gives its memory back when the
 * next one starts. The arena never grows past {@code maxFrameBytes}, the index past {@code maxArgs}:
 * the parser checks a command against them before its bytes are added.
 *
 * <p>Confined to its connection's event loop. Valid until the parser starts the next command.
 */
final class Arguments {

    private static final int INITIAL_ARENA = 512;
    private static final int INITIAL_ARGS = 16;
    /** Past these, the arena and index shrink back after their command: one big command pins no memory. */
    private static final int RETAIN_ARENA = 64 * 1024;

    private static final int RETAIN_ARGS = 4096;

    private final RespServerLimits limits;
    private final InputBudget budget;
    private final InputBudget.Share share;
    private byte[] arena;
    private int used;
    private int[] starts = new int[INITIAL_ARGS];
    private int[] lengths = new int[INITIAL_ARGS];
    private int count;
    private int peakArena;
    private int peakArgs = INITIAL_ARGS;

    Arguments(RespServerLimits limits, InputBudget budget, InputBudget.Share share) {
        this.limits = limits;
        this.budget = budget;
        this.share = share;
        this.arena = new byte[initialArena()];
        this.peakArena = arena.length;
    }

    private int initialArena() {
        return Math.min(INITIAL_ARENA, limits.maxFrameBytes());
    }

    /** Gives back what the arena holds beyond its initial size: the connection is gone. */
    void release() {
        budget.give(share, arena.length - initialArena());
        arena = new byte[initialArena()];
    }

    /** The arena would pass the server's total of buffered client input. */
    static final class OverBudgetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OverBudgetException(long limit) {
            super(
                    "client input of all connections over the limit of " + limit + " bytes (maxClientInputBytes)",
                    null,
                    false,
                    false);
        }
    }

    /** Forgets the previous command; a big one gives its memory back. */
    void clear() {
        count = 0;
        used = 0;
        if (arena.length > RETAIN_ARENA) {
            budget.give(share, arena.length - initialArena());
            arena = new byte[initialArena()];
        }
        if (starts.length > RETAIN_ARGS) {
            starts = new int[INITIAL_ARGS];
            lengths = new int[INITIAL_ARGS];
        }
    }

    /** Bytes in the arena so far. */
    int used() {
        return used;
    }

    /** Starts an argument of {@code length} bytes at the end of the arena; its bytes follow by {@link #append}. */
    void startArgument(int length) {
        add(used, length);
    }

    /** Copies {@code n} bytes of {@code data} to the end of the arena. */
    void append(ByteBuffer data, int n) {
        ensureArena(used + n);
        data.get(arena, used, n);
        used += n;
    }

    /** {@link #splitLine} results. */
    static final int SPLIT = 0;

    static final int TOO_MANY_ARGS = 1;
    static final int UNBALANCED_QUOTES = 2;

    /**
     * Splits the arena, an inline line without its line end, as redis-server does: on blanks, with
     * {@code "..."} (escapes {@code \n \r \t \b \a \\ \" \xHH}) and {@code '...'} (escape {@code \'})
     * quoting, a closing quote followed by a blank or the end. Unescaping never lengthens an argument, so
     * the arguments are written back over the line in place.
     */
    int splitLine() {
        if (used > 0 && arena[used - 1] == '\r') {
            used--;
        }
        int n = used;
        int r = 0;
        int w = 0;
        while (true) {
            while (r < n && isBlank(arena[r])) {
                r++;
            }
            if (r >= n) {
                break;
            }
            int start = w;
            int quote = 0;
            while (true) {
                if (quote == 0) {
                    if (r >= n || isBlank(arena[r])) {
                        break;
                    }
                    byte c = arena[r++];
                    if (c == '"' || c == '\'') {
                        quote = c;
                    } else {
                        arena[w++] = c;
                    }
                    continue;
                }
                if (r >= n) {
                    return UNBALANCED_QUOTES;
                }
                byte c = arena[r];
                if (c == quote) {
                    r++;
                    if (r < n && !isBlank(arena[r])) {
                        return UNBALANCED_QUOTES; // redis: a closing quote must be followed by a blank
                    }
                    break;
                }
                if (c == '\\' && r + 1 < n) {
                    byte e = arena[r + 1];
                    if (quote == '\'') {
                        arena[w++] = e == '\'' ? (byte) '\'' : c;
                        r += e == '\'' ? 2 : 1;
                    } else if (e == 'x' && r + 3 < n && hex(arena[r + 2]) >= 0 && hex(arena[r + 3]) >= 0) {
                        arena[w++] = (byte) (hex(arena[r + 2]) * 16 + hex(arena[r + 3]));
                        r += 4;
                    } else {
                        arena[w++] = switch (e) {
                            case 'n' -> (byte) '\n';
                            case 'r' -> (byte) '\r';
                            case 't' -> (byte) '\t';
                            case 'b' -> (byte) '\b';
                            case 'a' -> (byte) 7;
                            default -> e;
                        };
                        r += 2;
                    }
                    continue;
                }
                arena[w++] = c;
                r++;
            }
            if (count == limits.maxArgs()) {
                return TOO_MANY_ARGS;
            }
            add(start, w - start);
        }
        used = w;
        return SPLIT;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == 0x0b || b == '\f';
    }

    private void add(int start, int length) {
        if (count == starts.length) {
            int n = Math.min(starts.length * 2, limits.maxArgs());
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
            peakArgs = Math.max(peakArgs, n);
        }
        starts[count] = start;
        lengths[count] = length;
        count++;
    }

    /** Grows the arena to hold {@code needed} bytes; the parser checked they are within the frame limit. */
    private void ensureArena(int needed) {
        if (needed > arena.length) {
            int n = (int) Math.min(Math.max(arena.length * 2L, needed), limits.maxFrameBytes());
            if (!budget.take(share, n - arena.length)) {
                throw new OverBudgetException(budget.limit());
            }
            arena = Arrays.copyOf(arena, n);
            peakArena = Math.max(peakArena, n);
        }
    }

    /** Number of arguments, the command name included. */
    int count() {
        return count;
    }

    /** The arena all arguments live in. */
    byte[] bytes() {
        return arena;
    }

    int start(int arg) {
        return starts[arg];
    }

    int length(int arg) {
        return lengths[arg];
    }

    /** Argument {@code arg} in a new array (for values the store keeps). */
    byte[] copy(int arg) {
        return Arrays.copyOfRange(arena, starts[arg], starts[arg] + lengths[arg]);
    }

    /** True when argument {@code arg} is {@code upper} ignoring ASCII case; {@code upper} is upper-case letters. */
    boolean is(int arg, byte[] upper) {
        return Ascii.equalsIgnoreCase(arena, starts[arg], lengths[arg], upper);
    }

    /** Argument {@code arg}, at most {@code max} bytes of it, as ISO-8859-1 text (bytes kept as they are). */
    String text(int arg, int max) {
        return new String(
                arena, starts[arg], Math.min(lengths[arg], max), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Every argument in an array of its own, the command name first (a command kept for later: {@code MULTI}). */
    byte[][] snapshot() {
        byte[][] argv = new byte[count][];
        for (int i = 0; i < count; i++) {
            argv[i] = copy(i);
        }
        return argv;
    }

    /** Makes {@code argv}, a {@link #snapshot()}, the command these arguments hold. */
    void load(byte[][] argv) {
        clear();
        for (byte[] arg : argv) {
            add(used, arg.length);
            ensureArena(used + arg.length);
            System.arraycopy(arg, 0, arena, used, arg.length);
            used += arg.length;
        }
    }

    /** Takes {@code bytes} of the connection's input budget for what it keeps beside the arena; false over it. */
    boolean hold(long bytes) {
        return budget.take(share, bytes);
    }

    /** Gives back {@code bytes} taken by {@link #hold}. */
    void unhold(long bytes) {
        budget.give(share, bytes);
    }

    /** The largest the arena has been, in bytes. */
    int peakArena() {
        return peakArena;
    }

    /** The largest the index has been, in entries. */
    int peakArgs() {
        return peakArgs;
    }
}
