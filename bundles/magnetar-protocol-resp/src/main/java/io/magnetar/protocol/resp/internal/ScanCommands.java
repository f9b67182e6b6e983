package io.magnetar.protocol.resp.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@code KEYS pattern} and {@code SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]}, with redis's glob ({@code * ? [a-z]
 * [^x] \}). The cursor is a position in the order of the keys' hashes: each call returns the keys from it on, in
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
                if (globMatches(pattern, name)) {
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
            if ((pattern == null || globMatches(pattern, name))
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

    /**
     * redis's glob: {@code *} any run, {@code ?} one byte, {@code [abc]}, {@code [a-z]}, {@code [^x]} one byte of
     * (or not of) a set, {@code \} the next byte as it is. Greedy with one backtrack point: O(pattern × name).
     */
    static boolean globMatches(byte[] pattern, byte[] name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length) {
            if (p < pattern.length && pattern[p] == '*') {
                star = p++;
                mark = n;
                continue;
            }
            int next = p < pattern.length ? matchOne(pattern, p, name[n]) : -1;
            if (next >= 0) {
                p = next;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** Where the pattern goes on when its element at {@code p} matches {@code b}; -1 when it does not. */
    private static int matchOne(byte[] pattern, int p, byte b) {
        byte c = pattern[p];
        if (c == '?') {
            return p + 1;
        }
        if (c == '\\' && p + 1 < pattern.length) {
            return pattern[p + 1] == b ? p + 2 : -1;
        }
        if (c != '[') {
            return c == b ? p + 1 : -1;
        }
        int i = p + 1;
        boolean not = i < pattern.length && pattern[i] == '^';
        if (not) {
            i++;
        }
        boolean in = false;
        for (; i < pattern.length && pattern[i] != ']'; i++) {
            if (pattern[i] == '\\' && i + 1 < pattern.length) {
                in |= pattern[++i] == b;
            } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
                int lo = Math.min(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                int hi = Math.max(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                in |= (b & 0xff) >= lo && (b & 0xff) <= hi;
                i += 2;
            } else {
                in |= pattern[i] == b;
            }
        }
        // redis treats a class left open at the pattern's end as closed there
        return in != not ? Math.min(i + 1, pattern.length) : -1;
    }
}
