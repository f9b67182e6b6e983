package io.magnetar.protocol.resp.internal;

/**
 * Time-to-live commands as redis-server answers them: {@code EXPIRE}, {@code PEXPIRE} (a time of 0 or less
 * deletes the key), {@code TTL} (rounded seconds), {@code PTTL}, {@code PERSIST}, {@code SETEX},
 * {@code PSETEX}, and {@code SETNX} and {@code TYPE} beside them. A deadline is kept on strings and counters;
 * {@code EXPIRE} on a list is refused with an error (this server's lists have none). No {@code NX XX GT LT}
 * options.
 *
 * <p>Confined to its connection's event loop.
 */
final class ExpiryCommands {

    private static final byte[] STRING = ReplyWriter.ascii("+string\r\n");
    private static final byte[] LIST = ReplyWriter.ascii("+list\r\n");
    private static final byte[] NONE = ReplyWriter.ascii("+none\r\n");

    private final Commands commands;
    private final Arguments args;
    private final ReplyWriter reply;
    private final Keyspace keyspace;

    ExpiryCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        this.commands = commands;
        this.args = args;
        this.reply = reply;
        this.keyspace = keyspace;
    }

    void run(Command c) {
        switch (c) {
            case EXPIRE -> expire(true);
            case PEXPIRE -> expire(false);
            case TTL -> ttl(true);
            case PTTL -> ttl(false);
            case PERSIST -> reply.integer(keyspace.deadline(commands.key(1), false, 0) ? 1 : 0);
            case SETEX -> setEx(true);
            case PSETEX -> setEx(false);
            case SETNX -> reply.integer(keyspace.set(commands.key(1), args.copy(2), false, 0, true, false) ? 1 : 0);
            case TYPE -> type();
            default -> throw new IllegalArgumentException(c + " is no expiry command");
        }
    }

    private void expire(boolean seconds) {
        long n = commands.integer(2);
        if (seconds
                ? n > Commands.MAX_TTL_MILLIS / 1000 || n < -Commands.MAX_TTL_MILLIS / 1000
                : Math.abs(n) > Commands.MAX_TTL_MILLIS) {
            reply.error("ERR invalid expire time in '" + (seconds ? "expire" : "pexpire") + "' command");
            return;
        }
        if (n <= 0) { // redis: a time already past deletes the key
            reply.integer(keyspace.delete(commands.key(1)) ? 1 : 0);
            return;
        }
        long nanos = (seconds ? n * 1000 : n) * 1_000_000L;
        reply.integer(keyspace.deadline(commands.key(1), true, keyspace.deadline(nanos)) ? 1 : 0);
    }

    private void ttl(boolean seconds) {
        long nanos = keyspace.ttl(commands.key(1));
        if (nanos < 0) {
            reply.integer(nanos);
            return;
        }
        long millis = (nanos + 999_999) / 1_000_000; // what is left, in whole milliseconds begun
        reply.integer(seconds ? (millis + 500) / 1000 : millis);
    }

    private void setEx(boolean seconds) {
        long n = commands.integer(2);
        if (n <= 0 || n > (seconds ? Commands.MAX_TTL_MILLIS / 1000 : Commands.MAX_TTL_MILLIS)) {
            reply.error("ERR invalid expire time in '" + (seconds ? "setex" : "psetex") + "' command");
            return;
        }
        long nanos = (seconds ? n * 1000 : n) * 1_000_000L;
        keyspace.set(commands.key(1), args.copy(3), true, keyspace.deadline(nanos), false, false);
        reply.raw(ReplyWriter.OK);
    }

    private void type() {
        Object v = keyspace.get(commands.key(1));
        reply.raw(v == null ? NONE : v instanceof ListValue ? LIST : STRING);
    }
}
