package io.magnetar.protocol.resp.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the command the parser holds against the keyspace and writes its reply: dispatch by name, arity
 * check, the string and key commands here, list commands in {@link ListCommands}, server commands in
 * {@link ServerCommands}. Error replies follow redis's wording, so that clients matching on it work.
 *
 * <p>Confined to its connection's event loop. The hot commands ({@code PING}, {@code GET}, {@code INCR}
 * on a counter, {@code SET} over an existing key apart from its new value) allocate nothing.
 */
final class Commands {

    /** Far beyond any real TTL, and small enough that the deadline in nanoseconds cannot overflow. */
    static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 1_000_000L / 4;

    /**
     * A time to live of {@code n} seconds or milliseconds as milliseconds, or {@code Long.MIN_VALUE} for redis's "invalid expire time"
     * (what overflows its millisecond clock); a positive time past ~73 years is held at {@link #MAX_TTL_MILLIS},
     * which this clock in nanoseconds can count (redis keeps it: no key lives that long either way).
     */
    static long ttlMillis(long n, boolean seconds) {
        if (seconds
                ? n > Long.MAX_VALUE / 1000 || n < Long.MIN_VALUE / 1000
                : n > Long.MAX_VALUE - System.currentTimeMillis()) {
            return Long.MIN_VALUE;
        }
        long millis = seconds ? n * 1000 : n;
        return Math.max(-MAX_TTL_MILLIS, Math.min(millis, MAX_TTL_MILLIS));
    }
    /** redis's limits for the argument echo in an unknown-command error. */
    private static final int ECHO_LIMIT = 128;

    /** redis-server's answer to a write past {@code maxmemory}, word for word. */
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    private final Arguments args;
    private final ReplyWriter reply;
    private final Keyspace keyspace;
    private final Key probe = Key.probe();
    private final long[] number = new long[1];
    private final ListCommands lists;
    private final ExpiryCommands expiry;
    private final StringCommands strings;
    private final HashCommands hashes;
    private final ScanCommands scans;
    private final ServerCommands server;
    private final Handshake handshake;
    private final Transaction transaction;
    /** Runs a command an EXEC kept: the memory limit was checked for the whole transaction. */
    private final Runnable runLoaded = () -> {
        inExec = true;
        try {
            run();
        } finally {
            inExec = false;
        }
    };

    private boolean inExec;

    Commands(Arguments args, ReplyWriter reply, Keyspace keyspace, ServerCommands server, Isolation.Hold hold) {
        this.args = args;
        this.reply = reply;
        this.keyspace = keyspace;
        this.server = server;
        this.lists = new ListCommands(this, args, reply, keyspace);
        this.expiry = new ExpiryCommands(this, args, reply, keyspace);
        this.hashes = new HashCommands(this, args, reply, keyspace);
        this.scans = new ScanCommands(this, args, reply, keyspace);
        this.handshake = new Handshake(args, reply, keyspace);
        this.transaction = new Transaction(args, reply, hold, keyspace);
        this.strings = new StringCommands(this, args, reply, keyspace, hold);
    }

    /** The connection is gone: what a transaction kept is given back. */
    void connectionLost() {
        transaction.end();
    }

    /** True while this connection has to authenticate before commands run. */
    boolean mustAuthenticate() {
        return !handshake.mayRun();
    }

    /** Runs the parsed command; returns it, or {@code null} when the name is unknown. */
    Command run() {
        Command c = Command.find(args.bytes(), args.start(0), args.length(0));
        if (c == null) {
            unknown();
            transaction.refused();
            return null;
        }
        int argc = args.count();
        if (!c.accepts(argc) || c == Command.MSET && argc % 2 == 0 || c == Command.PING && argc > 2) {
            reply.error("ERR wrong number of arguments for '" + c.lower + "' command");
            transaction.refused();
            return c;
        }
        if (transaction.active() && !c.controlsTransaction() && c != Command.QUIT) {
            if (keyspace.overMaxMemory()) { // as redis: queuing could take memory without bound
                reply.error(OOM);
                transaction.refused();
            } else {
                transaction.queue(c);
            }
            return c;
        }
        if (c == Command.AUTH) {
            handshake.auth();
            return c;
        }
        if (c == Command.HELLO) {
            handshake.hello();
            return c;
        }
        if (c != Command.QUIT && !handshake.mayRun()) {
            reply.error("NOAUTH Authentication required.");
            return c;
        }
        if (c.controlsTransaction()) {
            transaction.run(c, runLoaded);
            return c;
        }
        if (c == Command.CLIENT) {
            handshake.client();
            return c;
        }
        if (c.denyOom && !inExec && keyspace.overMaxMemory()) {
            reply.error(OOM);
            return c;
        }
        try {
            dispatch(c);
        } catch (CommandError e) {
            reply.error(e.getMessage());
        }
        return c;
    }

    private void dispatch(Command c) {
        switch (c) {
            case PING -> {
                if (args.count() == 1) {
                    reply.raw(ReplyWriter.PONG);
                } else {
                    echo(1);
                }
            }
            case ECHO -> echo(1);
            case GET -> get();
            case SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, APPEND, STRLEN -> strings.run(c);
            case DEL -> reply.integer(countKeys(true));
            case EXISTS -> reply.integer(countKeys(false));
            case INCR -> reply.integer(keyspace.incrBy(key(1), 1, number));
            case DECR -> reply.integer(keyspace.incrBy(key(1), -1, number));
            case INCRBY -> reply.integer(keyspace.incrBy(key(1), integer(2), number));
            case DECRBY -> decrBy();
            case MGET -> mget();
            case MSET -> mset();
            case LPUSH, RPUSH, LPOP, RPOP, LRANGE, LLEN -> lists.run(c);
            case HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HEXISTS, HINCRBY, HGETALL, HKEYS, HVALS -> hashes.run(c);
            case KEYS, SCAN -> scans.run(c);
            case UNWATCH -> {
                transaction.unwatch();
                reply.raw(ReplyWriter.OK);
            }
            case EXPIRE, PEXPIRE, TTL, PTTL, PERSIST, TYPE -> expiry.run(c);
            default -> server.run(c, args);
        }
    }

    /** The probe pointed at argument {@code arg}: valid until the next call. */
    Key key(int arg) {
        return probe.point(args.bytes(), args.start(arg), args.length(arg));
    }

    /** Argument {@code arg} as a strict 64-bit integer, else the redis error. */
    long integer(int arg) {
        if (!Ascii.parseLong(args.bytes(), args.start(arg), args.length(arg), number)) {
            throw CommandError.NOT_INTEGER;
        }
        return number[0];
    }

    private void echo(int arg) {
        reply.bulk(args.bytes(), args.start(arg), args.length(arg));
    }

    private void get() {
        Object v = keyspace.get(key(1));
        if (v == null) {
            reply.nullBulk();
        } else if (!stringReply(v)) {
            throw CommandError.WRONGTYPE;
        }
    }

    /** Writes a string or counter value; false for other types. */
    boolean stringReply(Object v) {
        if (v instanceof byte[] text) {
            reply.bulk(text);
        } else if (v instanceof AtomicLong counter) {
            reply.bulk(counter.get());
        } else {
            return false;
        }
        return true;
    }

    private void decrBy() {
        long n = integer(2);
        if (n == Long.MIN_VALUE) {
            reply.error("ERR decrement would overflow");
            return;
        }
        reply.integer(keyspace.incrBy(key(1), -n, number));
    }

    private int countKeys(boolean delete) {
        int n = 0;
        for (int i = 1; i < args.count(); i++) {
            if (delete ? keyspace.delete(key(i)) : keyspace.exists(key(i))) {
                n++;
            }
        }
        return n;
    }

    private void mget() {
        int argc = args.count();
        reply.arrayHeader(argc - 1);
        for (int i = 1; i < argc; i++) {
            Object v = keyspace.get(key(i));
            if (v == null || !stringReply(v)) {
                reply.nullBulk(); // MGET answers nil for a key of another type
            }
        }
    }

    private void mset() {
        for (int i = 1; i < args.count(); i += 2) {
            keyspace.set(key(i), args.copy(i + 1), false, 0, false, false);
        }
        reply.raw(ReplyWriter.OK);
    }

    /** redis's reply: {@code unknown command 'X', with args beginning with: 'a' 'b' }, echoes bounded. */
    private void unknown() {
        StringBuilder m = new StringBuilder("ERR unknown command '")
                .append(args.text(0, ECHO_LIMIT))
                .append("', with args beginning with: ");
        int echoed = 0;
        for (int i = 1; i < args.count() && echoed < ECHO_LIMIT; i++) {
            String arg = args.text(i, ECHO_LIMIT - echoed);
            m.append('\'').append(arg).append("' ");
            echoed += arg.length() + 3;
        }
        reply.error(m.toString());
    }
}
