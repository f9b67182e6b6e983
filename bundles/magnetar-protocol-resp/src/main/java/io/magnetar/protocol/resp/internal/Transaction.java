package io.magnetar.protocol.resp.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code MULTI}, {@code EXEC} and {@code DISCARD} of one connection, as redis-server answers them: after
 * {@code MULTI} each valid command is kept and answered {@code +QUEUED}; one refused while queuing (unknown,
 * wrong arity) makes {@code EXEC} answer {@code -EXECABORT}; {@code EXEC} runs the kept commands with no
 * other connection's commands in between ({@link Isolation}) and answers an array of their replies, errors
 * included. {@code WATCH}ed keys make {@code EXEC} answer a null array, running nothing, when one of them was
 * written (or expired) after the {@code WATCH}; a counter written back to the value it had, and a key absent at
 * the {@code WATCH} and absent again at the {@code EXEC}, are seen as unchanged (the transaction then runs on
 * what it read: as if those writes came before the {@code WATCH}). The kept commands and watched keys count
 * against the server's client input budget, as arguments still arriving do.
 *
 * <p>Confined to its connection's event loop.
 */
final class Transaction {

    /** Counted per kept command beside its bytes: the array and the list's slot. */
    private static final int COMMAND_OVERHEAD = 48;

    private static final byte[] QUEUED = ReplyWriter.ascii("+QUEUED\r\n");

    private final Arguments args;
    private final ReplyWriter reply;
    private final Isolation.Hold hold;
    private final Keyspace keyspace;
    private final Key probe = Key.probe();
    private final long[] scratch = new long[1];
    /** What each watched key was at its {@code WATCH}: the stored object and a counter's value or list's changes. */
    private final Map<Key, Watched> watched = new LinkedHashMap<>();

    private record Watched(Object stored, long n) {}

    /** A command kept for {@code EXEC}: which one, and its arguments. */
    private record Kept(Command command, byte[][] argv) {}
    /** The kept commands; null outside {@code MULTI}. */
    private List<Kept> queued;

    private boolean aborted;
    private long held;

    Transaction(Arguments args, ReplyWriter reply, Isolation.Hold hold, Keyspace keyspace) {
        this.args = args;
        this.reply = reply;
        this.hold = hold;
        this.keyspace = keyspace;
    }

    /** True between {@code MULTI} and its {@code EXEC} or {@code DISCARD}. */
    boolean active() {
        return queued != null;
    }

    /** {@code MULTI}, {@code EXEC}, {@code DISCARD} or {@code WATCH}; {@code run} runs one loaded command (writing its reply). */
    void run(Command c, Runnable run) {
        switch (c) {
            case MULTI -> {
                if (active()) {
                    reply.error("ERR MULTI calls can not be nested");
                } else {
                    queued = new ArrayList<>();
                    aborted = false;
                    reply.raw(ReplyWriter.OK);
                }
            }
            case DISCARD -> {
                if (active()) {
                    end();
                    reply.raw(ReplyWriter.OK);
                } else {
                    reply.error("ERR DISCARD without MULTI");
                }
            }
            case EXEC -> exec(run);
            case WATCH -> watch();
            default -> throw new IllegalArgumentException(c.lower);
        }
    }

    /** Keeps the command the arguments hold, or refuses it when the connection's input budget is spent. */
    void queue(Command command) {
        if (aborted) {
            reply.raw(QUEUED); // redis keeps answering QUEUED; EXEC will refuse the lot
            return;
        }
        byte[][] argv = args.snapshot();
        long bytes = COMMAND_OVERHEAD;
        for (byte[] arg : argv) {
            bytes += arg.length + 16L;
        }
        if (!args.hold(bytes)) {
            refused();
            reply.error("ERR transaction larger than the server's client input limit");
            return;
        }
        held += bytes;
        queued.add(new Kept(command, argv));
        reply.raw(QUEUED);
    }

    private void watch() {
        if (active()) {
            reply.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        for (int i = 1; i < args.count(); i++) {
            Key k = probe.point(args.bytes(), args.start(i), args.length(i));
            if (watched.containsKey(k)) {
                continue; // watched since its first WATCH, as redis
            }
            long bytes = COMMAND_OVERHEAD + k.length();
            if (!args.hold(bytes)) {
                reply.error("ERR watched keys larger than the server's client input limit");
                return;
            }
            held += bytes;
            Object stored = version(k);
            watched.put(k.copy(), new Watched(stored, scratch[0]));
        }
        reply.raw(ReplyWriter.OK);
    }

    /** {@code UNWATCH}, and what {@code EXEC} and {@code DISCARD} do after. */
    void unwatch() {
        watched.clear();
        if (!active()) {
            args.unhold(held);
            held = 0;
        }
    }

    /**
     * What {@code WATCH} keeps of {@code k} to tell later whether it was changed: null for no live key; else the
     * stored object, which every write replaces, but for counters, lists and hashes, changed in place, whose value
     * or count of changes goes in {@code scratch[0]}.
     */
    private Object version(Key k) {
        Object stored = keyspace.stored(k);
        Object v = Keyspace.valueOf(stored);
        scratch[0] = v instanceof java.util.concurrent.atomic.AtomicLong counter
                ? counter.get()
                : v instanceof Container c ? c.changes() : 0;
        return stored;
    }

    private boolean watchedChanged() {
        for (Map.Entry<Key, Watched> w : watched.entrySet()) {
            Object stored = version(w.getKey());
            if (stored != w.getValue().stored() || scratch[0] != w.getValue().n()) {
                return true;
            }
        }
        return false;
    }

    /** A command refused while queuing: {@code EXEC} will discard the transaction. */
    void refused() {
        if (active()) {
            aborted = true;
        }
    }

    private void exec(Runnable run) {
        if (!active()) {
            reply.error("ERR EXEC without MULTI");
            return;
        }
        List<Kept> commands = queued;
        if (aborted) {
            end();
            reply.error("EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        if (keyspace.overMaxMemory() && commands.stream().anyMatch(k -> k.command().denyOom)) {
            end(); // as redis: all or nothing, never a transaction half applied for want of memory
            reply.error("EXECABORT Transaction discarded because of: " + Commands.OOM);
            return;
        }
        queued = null; // the commands below run, not queue
        try {
            hold.exclusively(() -> {
                if (watchedChanged()) {
                    reply.nullArray();
                    return;
                }
                reply.arrayHeader(commands.size());
                for (Kept kept : commands) {
                    try {
                        args.load(kept.argv());
                    } catch (Arguments.OverBudgetException e) {
                        reply.error("ERR " + e.getMessage());
                        continue;
                    }
                    run.run();
                }
            });
        } finally {
            end();
        }
    }

    /** Leaves {@code MULTI}, giving back what the kept commands held (also when the connection is lost). */
    void end() {
        queued = null;
        aborted = false;
        watched.clear();
        args.unhold(held);
        held = 0;
    }
}
