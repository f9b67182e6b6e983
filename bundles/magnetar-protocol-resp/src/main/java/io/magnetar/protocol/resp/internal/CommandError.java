package io.magnetar.protocol.resp.internal;

/**
 * An error reply ({@code -WRONGTYPE ...}, {@code -ERR ...}) raised where a command finds it deep in the
 * keyspace; the command layer catches it and writes {@link #getMessage()} as the reply. The constants
 * are shared and carry no stack trace, so raising one allocates nothing: a client cannot make a server
 * fill stack traces by sending wrong commands.
 *
 * <p>Immutable.
 */
final class CommandError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError WRONGTYPE =
            new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError NOT_INTEGER = new CommandError("ERR value is not an integer or out of range");
    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError OVERFLOW = new CommandError("ERR increment or decrement would overflow");
    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError SYNTAX = new CommandError("ERR syntax error");
    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError NOT_POSITIVE = new CommandError("ERR value is out of range, must be positive");

    // Preallocated and stack-trace-free, so raising one on the hot path allocates nothing.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final CommandError LIST_DEADLINE =
            new CommandError("ERR this server keeps no time to live on a list or hash (strings and counters only)");

    CommandError(String message) {
        super(message, null, false, false);
    }
}
