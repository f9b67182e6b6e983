package io.magnetar.protocol.resp;

/**
 * Bounds on what a RESP server connection accepts from its client, so that a broken or hostile client
 * cannot make it allocate without limit. A command over a limit is refused before its bytes are
 * buffered: the connection answers {@code -ERR Protocol error: ...} and closes.
 *
 * <p>A connection holds at most {@code maxFrameBytes} bytes of one command's arguments (the declared
 * bulk lengths are summed as their headers arrive) and an index of at most {@code maxArgs} entries.
 *
 * <p>Immutable.
 *
 * @param maxBulkLength   longest argument (bulk string), in bytes
 * @param maxArgs         most arguments of one command, its name included
 * @param maxInlineLength longest inline command line ({@code PING\r\n}), in bytes
 * @param maxFrameBytes   most argument bytes of one command, all arguments together
 */
public record RespServerLimits(int maxBulkLength, int maxArgs, int maxInlineLength, int maxFrameBytes) {

    /** 16 MiB arguments, 1 Mi arguments (as redis), 64 KiB inline lines (as redis), 64 MiB commands. */
    public static final RespServerLimits DEFAULTS = new RespServerLimits(16 << 20, 1 << 20, 64 << 10, 64 << 20);

    public RespServerLimits {
        // One argument (the command name) and a short inline line must fit, or nothing could be served.
        if (maxBulkLength < 0 || maxArgs < 1 || maxInlineLength < 16 || maxFrameBytes < 16) {
            throw new IllegalArgumentException(
                    "RESP server limits out of range: maxBulkLength " + maxBulkLength + ", maxArgs " + maxArgs
                            + ", maxInlineLength " + maxInlineLength + ", maxFrameBytes " + maxFrameBytes);
        }
    }
}
