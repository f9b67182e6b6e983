package io.magnetar.protocol.resp.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The string writes as redis-server 7 answers them: {@code SET} with {@code NX XX GET EX PX EXAT PXAT KEEPTTL},
 * {@code SETNX}, {@code SETEX}, {@code PSETEX}, {@code GETSET}, {@code GETDEL}, {@code APPEND} and
 * {@code STRLEN}. The plain {@code SET} (and with {@code NX XX EX PX}) keeps its allocation-free path in the
 * keyspace; the others make one atomic {@link Keyspace#update} each. A counter changes in place ({@code INCR} on
 * another loop does not replace it), so reading its value and replacing it is one step only with every other
 * connection held back: an update that meets a counter runs again {@link Isolation.Hold#exclusively}.
 *
 * <p>Confined to its connection's event loop.
 */
final class StringCommands extends CommandGroup {

    private static final byte[] EX = ReplyWriter.ascii("EX");
    private static final byte[] PX = ReplyWriter.ascii("PX");
    private static final byte[] EXAT = ReplyWriter.ascii("EXAT");
    private static final byte[] PXAT = ReplyWriter.ascii("PXAT");
    private static final byte[] NX = ReplyWriter.ascii("NX");
    private static final byte[] XX = ReplyWriter.ascii("XX");
    private static final byte[] GET = ReplyWriter.ascii("GET");
    private static final byte[] KEEPTTL = ReplyWriter.ascii("KEEPTTL");

    private final int[] length = new int[1];
    private final Isolation.Hold hold;
    private boolean exclusive;

    /** Met a counter outside an exclusive hold: the update runs again inside one. */
    private static final class CounterSeen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CounterSeen() {
            super(null, null, false, false);
        }
    }

    @SuppressWarnings("StaticAssignmentOfThrowable") // stack-trace-free, raised only to restart an update
    private static final CounterSeen COUNTER_SEEN = new CounterSeen();

    StringCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace, Isolation.Hold hold) {
        super(commands, args, reply, keyspace);
        this.hold = hold;
    }

    @Override
    void run(Command c) {
        switch (c) {
            case SET -> set();
            case SETNX -> reply.integer(keyspace.set(commands.key(1), args.copy(2), false, 0, true, false) ? 1 : 0);
            case SETEX -> setEx(true);
            case PSETEX -> setEx(false);
            case GETSET -> setGet(args.copy(2), false, false, false, 0, false, true);
            case GETDEL -> getDel();
            case APPEND -> append();
            case STRLEN -> strlen();
            default -> throw new IllegalArgumentException(c + " is no string command");
        }
    }

    private void set() {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        boolean expiry = false;
        long deadline = 0;
        int argc = args.count();
        for (int i = 3; i < argc; i++) {
            if (args.is(i, NX) && !xx) {
                nx = true;
            } else if (args.is(i, XX) && !nx) {
                xx = true;
            } else if (args.is(i, GET)) {
                get = true;
            } else if (args.is(i, KEEPTTL) && !expiry) {
                keepTtl = true;
            } else if ((args.is(i, EX) || args.is(i, PX) || args.is(i, EXAT) || args.is(i, PXAT))
                    && !expiry
                    && !keepTtl
                    && i + 1 < argc) {
                boolean seconds = args.is(i, EX) || args.is(i, EXAT);
                boolean at = args.is(i, EXAT) || args.is(i, PXAT);
                long n = commands.integer(++i);
                long millis = n <= 0 ? Long.MIN_VALUE : Commands.ttlMillis(n, seconds);
                if (millis == Long.MIN_VALUE) {
                    reply.error("ERR invalid expire time in 'set' command");
                    return;
                }
                if (at) { // a Unix time: what is left of it from now, on the keyspace's own clock
                    long unixMillis = seconds ? n * 1000 : n;
                    millis = Math.min(unixMillis - System.currentTimeMillis(), Commands.MAX_TTL_MILLIS);
                }
                deadline = keyspace.deadline(millis * 1_000_000L);
                expiry = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (get || keepTtl) {
            setGet(args.copy(2), nx, xx, expiry, deadline, keepTtl, get);
            return;
        }
        if (keyspace.set(commands.key(1), args.copy(2), expiry, deadline, nx, xx)) {
            reply.raw(ReplyWriter.OK);
        } else {
            reply.nullBulk();
        }
    }

    /** {@code SET} with {@code GET} or {@code KEEPTTL}, and {@code GETSET}: one atomic step. */
    private void setGet(
            byte[] value, boolean nx, boolean xx, boolean expiry, long deadline, boolean keepTtl, boolean get) {
        boolean[] stored = new boolean[1];
        Object old = update(s -> {
            Object v = Keyspace.valueOf(s);
            if (get && v instanceof Container) {
                throw CommandError.WRONGTYPE;
            }
            stored[0] = !(nx && s != null || xx && s == null);
            if (!stored[0]) {
                return s;
            }
            return expiry
                    ? new Keyspace.Expiring(value, deadline)
                    : keepTtl ? Keyspace.withDeadlineOf(s, value) : value;
        });
        if (get) { // the old value, whether or not this one was stored
            if (old == null) {
                reply.nullBulk();
            } else {
                commands.stringReply(Keyspace.valueOf(old));
            }
        } else if (stored[0]) {
            reply.raw(ReplyWriter.OK);
        } else {
            reply.nullBulk();
        }
    }

    private void setEx(boolean seconds) {
        long n = commands.integer(2);
        long millis = n <= 0 ? Long.MIN_VALUE : Commands.ttlMillis(n, seconds);
        if (millis == Long.MIN_VALUE) {
            reply.error("ERR invalid expire time in '" + (seconds ? "setex" : "psetex") + "' command");
            return;
        }
        long nanos = millis * 1_000_000L;
        keyspace.set(commands.key(1), args.copy(3), true, keyspace.deadline(nanos), false, false);
        reply.raw(ReplyWriter.OK);
    }

    private void getDel() {
        Object old = update(s -> {
            if (Keyspace.valueOf(s) instanceof Container) {
                throw CommandError.WRONGTYPE;
            }
            return null;
        });
        if (old == null) {
            reply.nullBulk();
        } else {
            commands.stringReply(Keyspace.valueOf(old));
        }
    }

    private void append() {
        byte[] tail = args.copy(2);
        update(s -> {
            byte[] text = text(Keyspace.valueOf(s));
            byte[] joined = new byte[text.length + tail.length];
            System.arraycopy(text, 0, joined, 0, text.length);
            System.arraycopy(tail, 0, joined, text.length, tail.length);
            length[0] = joined.length;
            return Keyspace.withDeadlineOf(s, joined); // APPEND keeps the time to live
        });
        reply.integer(length[0]);
    }

    /** {@link Keyspace#update} of the first argument's key, held exclusive when it meets a counter. */
    private Object update(UnaryOperator<Object> next) {
        try {
            return keyspace.update(commands.key(1), s -> {
                if (!exclusive && Keyspace.valueOf(s) instanceof AtomicLong) {
                    throw COUNTER_SEEN;
                }
                return next.apply(s);
            });
        } catch (CounterSeen e) {
            Object[] old = new Object[1];
            exclusive = true;
            try {
                hold.exclusively(() -> old[0] = keyspace.update(commands.key(1), next));
            } finally {
                exclusive = false;
            }
            return old[0];
        }
    }

    private void strlen() {
        Object v = keyspace.get(commands.key(1));
        reply.integer(v == null ? 0 : text(v).length);
    }

    /** A string's bytes, a counter's decimal digits; {@code WRONGTYPE} for a list or hash; none for no value. */
    private static byte[] text(Object v) {
        if (v == null) {
            return new byte[0];
        }
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof AtomicLong counter) {
            return Long.toString(counter.get()).getBytes(StandardCharsets.US_ASCII);
        }
        throw CommandError.WRONGTYPE;
    }
}
