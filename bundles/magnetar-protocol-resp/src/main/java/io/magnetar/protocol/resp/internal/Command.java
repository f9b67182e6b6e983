package io.magnetar.protocol.resp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands the server knows, with redis's arity convention: {@code n > 0} exactly n arguments, the
 * name included; {@code n < 0} at least {@code -n}. {@link #find} matches a name in the parser's arena
 * ignoring case, without making a {@link String}.
 *
 * <p>Immutable.
 */
enum Command {
    PING(-1),
    ECHO(2),
    GET(2),
    SET(-3, true),
    DEL(-2),
    EXISTS(-2),
    INCR(2, true),
    DECR(2, true),
    INCRBY(3, true),
    DECRBY(3, true),
    MGET(-2),
    MSET(-3, true),
    LPUSH(-3, true),
    RPUSH(-3, true),
    LPOP(-2),
    RPOP(-2),
    LRANGE(4),
    LLEN(2),
    FLUSHALL(-1),
    FLUSHDB(-1),
    DBSIZE(1),
    INFO(-1),
    COMMAND(-1),
    CONFIG(-2),
    SELECT(2),
    QUIT(-1),
    AUTH(-2),
    HELLO(-1),
    CLIENT(-2),
    EXPIRE(-3),
    PEXPIRE(-3),
    TTL(2),
    PTTL(2),
    PERSIST(2),
    SETEX(4, true),
    PSETEX(4, true),
    SETNX(3, true),
    TYPE(2),
    GETSET(3, true),
    GETDEL(2),
    APPEND(3, true),
    STRLEN(2),
    HSET(-4, true),
    HSETNX(4, true),
    HMSET(-4, true),
    HGET(3),
    HMGET(-3),
    HDEL(-3),
    HLEN(2),
    HEXISTS(3),
    HINCRBY(4, true),
    HGETALL(2),
    HKEYS(2),
    HVALS(2),
    KEYS(2),
    SCAN(-2),
    WATCH(-2),
    UNWATCH(1),
    MULTI(1),
    EXEC(1),
    DISCARD(1);

    /** Commands by name length: a lookup compares only the few names of the right length. */
    private static final Command[][] BY_LENGTH = byLength();

    final int arity;
    /** Adds data: refused with {@code -OOM} over {@code maxmemory} (redis's "denyoom" flag). */
    final boolean denyOom;
    /** The name in upper case, as {@link Ascii#equalsIgnoreCase} wants it. */
    // Package-private and only ever read: find() compares against it without allocating.
    @SuppressWarnings("ImmutableEnumChecker")
    final byte[] upper;
    /** The name in lower case, as redis writes it in error replies. */
    final String lower;

    Command(int arity) {
        this(arity, false);
    }

    Command(int arity, boolean denyOom) {
        this.arity = arity;
        this.denyOom = denyOom;
        this.upper = ReplyWriter.ascii(name());
        this.lower = name().toLowerCase(Locale.ROOT);
    }

    private static Command[][] byLength() {
        int longest = 0;
        for (Command c : values()) {
            longest = Math.max(longest, c.upper.length);
        }
        List<List<Command>> lists = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            lists.add(new ArrayList<>());
        }
        for (Command c : values()) {
            lists.get(c.upper.length).add(c);
        }
        Command[][] table = new Command[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            table[i] = lists.get(i).toArray(new Command[0]);
        }
        return table;
    }

    /** The command named by {@code a[offset, offset+length)} in any case, or {@code null}. */
    static Command find(byte[] a, int offset, int length) {
        if (length >= BY_LENGTH.length) {
            return null;
        }
        for (Command c : BY_LENGTH[length]) {
            if (Ascii.equalsIgnoreCase(a, offset, length, c.upper)) {
                return c;
            }
        }
        return null;
    }

    /** {@code MULTI}, {@code EXEC}, {@code DISCARD} or {@code WATCH}: run at once, also within a transaction. */
    boolean controlsTransaction() {
        return this == MULTI || this == EXEC || this == DISCARD || this == WATCH;
    }

    /** True when {@code argc} arguments (the name included) suit this command. */
    boolean accepts(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }
}
