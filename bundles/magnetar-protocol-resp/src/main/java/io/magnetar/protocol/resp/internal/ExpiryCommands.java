package io.magnetar.protocol.resp.internal;

/**
 * Time-to-live commands as redis-server answers them: {@code EXPIRE}, {@code PEXPIRE} (a time of 0 or less
 * deletes the key), {@code TTL} (rounded seconds), {@code PTTL}, {@code PERSIST}, and {@code TYPE} beside them.
 * A deadline is kept on strings and counters; {@code EXPIRE} on a list or hash is refused with an error. {@code EXPIRE} and
 * {@code PEXPIRE} take redis 7's {@code NX XX GT LT}.
 *
 * <p>Confined to its connection's event loop.
 */
final class ExpiryCommands extends CommandGroup {

    private static final byte[] NX = ReplyWriter.ascii("NX");
    private static final byte[] XX = ReplyWriter.ascii("XX");
    private static final byte[] GT = ReplyWriter.ascii("GT");
    private static final byte[] LT = ReplyWriter.ascii("LT");

    ExpiryCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        super(commands, args, reply, keyspace);
    }

    @Override
    void run(Command c) {
        switch (c) {
            case EXPIRE -> expire(true);
            case PEXPIRE -> expire(false);
            case TTL -> ttl(true);
            case PTTL -> ttl(false);
            case PERSIST -> reply.integer(setDeadline(false, 0) ? 1 : 0);
            case TYPE -> type();
            default -> throw new IllegalArgumentException(c + " is no expiry command");
        }
    }

    private void expire(boolean seconds) {
        long n = commands.integer(2);
        long millis = Commands.ttlMillis(n, seconds);
        if (millis == Long.MIN_VALUE) {
            reply.error("ERR invalid expire time in '" + (seconds ? "expire" : "pexpire") + "' command");
            return;
        }
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < args.count(); i++) {
            nx |= args.is(i, NX);
            xx |= args.is(i, XX);
            gt |= args.is(i, GT);
            lt |= args.is(i, LT);
            if (!(args.is(i, NX) || args.is(i, XX) || args.is(i, GT) || args.is(i, LT))) {
                reply.error("ERR Unsupported option " + args.text(i, 64));
                return;
            }
        }
        if (nx && (xx || gt || lt)) {
            reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt) {
            reply.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        long deadline = keyspace.deadline(millis * 1_000_000L);
        if (!(nx || xx || gt || lt)) {
            reply.integer(
                    n <= 0 // redis: a time already past deletes the key
                            ? keyspace.delete(commands.key(1)) ? 1 : 0
                            : setDeadline(true, deadline) ? 1 : 0);
            return;
        }
        boolean[] done = new boolean[1];
        boolean onlyIfNone = nx;
        boolean onlyIfSome = xx;
        boolean later = gt;
        boolean earlier = lt;
        keyspace.update(commands.key(1), s -> {
            done[0] = false; // may run again after a lost race
            if (s == null) {
                return null;
            }
            if (Keyspace.valueOf(s) instanceof Container) {
                throw CommandError.LIST_DEADLINE;
            }
            // A key without a time to live lives forever: never earlier than a deadline, always later.
            boolean has = s instanceof Keyspace.Expiring;
            long current = has ? ((Keyspace.Expiring) s).deadline : 0;
            done[0] = !(onlyIfNone && has
                    || onlyIfSome && !has
                    || later && (!has || deadline - current <= 0)
                    || earlier && has && deadline - current >= 0);
            if (!done[0]) {
                return s;
            }
            return n <= 0 ? null : new Keyspace.Expiring(Keyspace.valueOf(s), deadline);
        });
        reply.integer(done[0] ? 1 : 0);
    }

    /**
     * {@code EXPIRE} ({@code expires}) and {@code PERSIST}: gives the live value at the key the deadline, or takes
     * its deadline away; false when there is no key, or nothing to take away. A counter keeps its object (an
     * {@code INCR} on another loop still counts).
     */
    private boolean setDeadline(boolean expires, long deadline) {
        boolean[] done = new boolean[1];
        keyspace.update(commands.key(1), s -> {
            done[0] = false; // may run again after a lost race
            Object v = Keyspace.valueOf(s);
            if (v == null || !expires && !(s instanceof Keyspace.Expiring)) {
                return s;
            }
            if (v instanceof Container) {
                throw CommandError.LIST_DEADLINE;
            }
            done[0] = true;
            return expires ? new Keyspace.Expiring(v, deadline) : v;
        });
        return done[0];
    }

    private void ttl(boolean seconds) {
        Object stored = keyspace.stored(commands.key(1));
        long nanos = stored == null
                ? -2
                : stored instanceof Keyspace.Expiring e ? Math.max(1, e.deadline - keyspace.deadline(0)) : -1;
        if (nanos < 0) {
            reply.integer(nanos);
            return;
        }
        long millis = (nanos + 999_999) / 1_000_000; // what is left, in whole milliseconds begun
        reply.integer(seconds ? (millis + 500) / 1000 : millis);
    }

    private void type() {
        Object v = keyspace.get(commands.key(1));
        reply.raw(ReplyWriter.ascii("+" + Keyspace.typeOf(v) + "\r\n"));
    }
}
