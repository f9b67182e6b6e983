package io.magnetar.protocol.resp.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@code KEYS pattern} and {@code SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]}, with redis's glob ({@link Glob}). The cursor is a position in the order of the keys' hashes: each call returns the keys from it on, in
 * that order, and the cursor after them, so every key present from the first call to the last is returned (a key
 * added or removed meanwhile may or may not be), as redis promises. A call reads the whole keyspace (redis reads a
 * slice): it returns at least 1,000 keys when there are that many, whatever {@code COUNT} asks (a hint, in redis
 * too), to keep a full iteration to a few thousand passes over a million keys.
 *
 * <p>Confined to its connection's event loop. Rare, so it allocates.
 */
final class ScanCommands extends CommandGroup {

    private static final int LEAST_PER_CALL = 1000;
    private static final byte[] MATCH = ReplyWriter.ascii("MATCH");
    private static final byte[] COUNT = ReplyWriter.ascii("COUNT");
    private static final byte[] TYPE = ReplyWriter.ascii("TYPE");

    ScanCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        super(commands, args, reply, keyspace);
    }

    @Override
    void run(Command c) {
        if (c == Command.KEYS) {
            byte[] pattern = args.copy(1);
            List<byte[]> keys = new ArrayList<>();
            keyspace.forEachLive((k, v) -> {
                byte[] name = k.toBytes();
                if (Glob.matches(pattern, name)) {
                    keys.add(name);
                }
            });
            reply.arrayHeader(keys.size());
            keys.forEach(reply::bulk);
        } else {
            scan();
        }
    }

    private void scan() {
        long cursor = parseCursor();
        if (cursor < 0) {
            reply.error("ERR invalid cursor");
            return;
        }
        byte[] pattern = null;
        String type = null;
        long count = 10;
        for (int i = 2; i < args.count(); i += 2) {
            if (i + 1 >= args.count()) {
                throw CommandError.SYNTAX;
            }
            if (args.is(i, MATCH)) {
                pattern = args.copy(i + 1);
            } else if (args.is(i, COUNT)) {
                count = commands.integer(i + 1);
                if (count < 1) {
                    throw CommandError.SYNTAX;
                }
            } else if (args.is(i, TYPE)) {
                type = args.text(i + 1, 16).toLowerCase(java.util.Locale.ROOT);
            } else {
                throw CommandError.SYNTAX;
            }
        }
        int want = (int) Math.min(Math.max(count, LEAST_PER_CALL), 1 << 20);
        // The `want` keys of smallest hash from the cursor on: a max-heap of that size over one pass.
        Comparator<Key> byHash = Comparator.comparingLong(k -> Integer.toUnsignedLong(k.hashCode()));
        PriorityQueue<Key> smallest = new PriorityQueue<>(byHash.reversed());
        long from = cursor;
        keyspace.forEachLive((k, v) -> {
            long h = Integer.toUnsignedLong(k.hashCode());
            if (h >= from
                    && (smallest.size() < want
                            || h <= Integer.toUnsignedLong(smallest.peek().hashCode()))) {
                smallest.add(k);
            }
        });
        // Keys sharing the last hash stay together (the next cursor starts after that hash); trim only beyond it.
        List<Key> batch = new ArrayList<>(smallest);
        batch.sort(byHash);
        if (batch.size() > want) {
            long cut = Integer.toUnsignedLong(batch.get(want - 1).hashCode());
            batch.removeIf(k -> Integer.toUnsignedLong(k.hashCode()) > cut);
        }
        long next = batch.isEmpty()
                ? 0
                : Integer.toUnsignedLong(batch.get(batch.size() - 1).hashCode()) + 1;
        if (next > 0xFFFF_FFFFL) {
            next = 0;
        }
        List<byte[]> names = new ArrayList<>();
        for (Key k : batch) {
            byte[] name = k.toBytes();
            if ((pattern == null || Glob.matches(pattern, name))
                    && (type == null || type.equals(Keyspace.typeOf(keyspace.get(k))))) {
                names.add(name);
            }
        }
        reply.arrayHeader(2);
        reply.bulk(Long.toString(next).getBytes(StandardCharsets.US_ASCII));
        reply.arrayHeader(names.size());
        names.forEach(reply::bulk);
    }

    /** The cursor argument: a decimal within 32 bits (a hash position), or -1. */
    private long parseCursor() {
        long[] n = new long[1];
        if (!Ascii.parseLong(args.bytes(), args.start(1), args.length(1), n) || n[0] < 0 || n[0] > 0xFFFF_FFFFL) {
            return -1;
        }
        return n[0];
    }
}
