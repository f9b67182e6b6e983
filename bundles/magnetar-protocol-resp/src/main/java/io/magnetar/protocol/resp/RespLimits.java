package io.magnetar.protocol.resp;

/**
 * Bounds on what a RESP parser accepts, so that a broken or hostile peer cannot make it allocate
 * without limit. A reply over a limit fails with {@link RespProtocolException}.
 *
 * <p>Immutable.
 *
 * @param maxBulkLength  longest bulk string, in bytes
 * @param maxArrayLength most elements of one array
 * @param maxDepth       deepest nesting of arrays (a flat array has depth 1)
 * @param maxLineLength  longest simple string, error or number line, in bytes
 */
public record RespLimits(int maxBulkLength, int maxArrayLength, int maxDepth, int maxLineLength) {

    /** 64 MiB bulk strings, 16 Mi elements, depth 32, 64 KiB lines. */
    public static final RespLimits DEFAULTS = new RespLimits(64 << 20, 16 << 20, 32, 64 << 10);

    public RespLimits {
        if (maxBulkLength < 0 || maxArrayLength < 0 || maxDepth < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("RESP limits must be positive: " + maxBulkLength + ", " + maxArrayLength
                    + ", " + maxDepth + ", " + maxLineLength);
        }
    }
}
