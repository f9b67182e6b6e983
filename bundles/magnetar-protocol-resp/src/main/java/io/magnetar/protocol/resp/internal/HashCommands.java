package io.magnetar.protocol.resp.internal;

/**
 * The hash commands as redis-server 7 answers them: {@code HSET} (several pairs), {@code HSETNX}, {@code HMSET},
 * {@code HGET}, {@code HMGET}, {@code HDEL}, {@code HLEN}, {@code HEXISTS}, {@code HINCRBY}, {@code HGETALL} (a
 * map in RESP3), {@code HKEYS} and {@code HVALS}. A hash emptied by {@code HDEL} leaves the keyspace.
 *
 * <p>Confined to its connection's event loop.
 */
final class HashCommands extends CommandGroup {

    private final Containers hashes;
    private final Key field = Key.probe();
    private final long[] number = new long[1];
    private final Elements elements = new Elements();

    HashCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        super(commands, args, reply, keyspace);
        this.hashes = keyspace.containers();
    }

    @Override
    void run(Command c) {
        switch (c) {
            case HSET, HMSET -> set(c);
            case HSETNX -> reply.integer(hashes.writeHash(commands.key(1), h -> h.put(field(2), args.copy(3), true)));
            case HGET -> get();
            case HMGET -> mget();
            case HDEL -> del();
            case HLEN -> {
                HashValue h = hashes.hash(commands.key(1));
                reply.integer(h == null ? 0 : h.size());
            }
            case HEXISTS -> {
                HashValue h = hashes.hash(commands.key(1));
                reply.integer(h != null && h.get(field(2)) != null ? 1 : 0);
            }
            case HINCRBY -> incrBy();
            case HGETALL -> entries(true, true);
            case HKEYS -> entries(true, false);
            case HVALS -> entries(false, true);
            default -> throw new IllegalArgumentException(c + " is no hash command");
        }
    }

    private Key field(int arg) {
        return field.point(args.bytes(), args.start(arg), args.length(arg));
    }

    private void set(Command c) {
        if (args.count() % 2 != 0) {
            reply.error("ERR wrong number of arguments for '" + c.lower + "' command");
            return;
        }
        int pairs = (args.count() - 2) / 2;
        byte[][] values = elements.capacity(pairs);
        for (int i = 0; i < pairs; i++) {
            values[i] = args.copy(3 + 2 * i); // copied once: a retry on a new hash keeps the same arrays
        }
        try {
            int added = hashes.writeHash(commands.key(1), h -> {
                int n = 0;
                for (int i = 0; i < pairs; i++) {
                    int r = h.put(field(2 + 2 * i), values[i], false);
                    if (r < 0) {
                        return -1;
                    }
                    n += r;
                }
                return n;
            });
            if (c == Command.HMSET) {
                reply.raw(ReplyWriter.OK);
            } else {
                reply.integer(added);
            }
        } finally {
            elements.release(pairs);
        }
    }

    private void get() {
        HashValue h = hashes.hash(commands.key(1));
        byte[] v = h == null ? null : h.get(field(2));
        if (v == null) {
            reply.nullBulk();
        } else {
            reply.bulk(v);
        }
    }

    private void mget() {
        HashValue h = hashes.hash(commands.key(1));
        reply.arrayHeader(args.count() - 2);
        for (int i = 2; i < args.count(); i++) {
            byte[] v = h == null ? null : h.get(field(i));
            if (v == null) {
                reply.nullBulk();
            } else {
                reply.bulk(v);
            }
        }
    }

    private void del() {
        HashValue h = hashes.hash(commands.key(1));
        int n = 0;
        if (h != null) {
            for (int i = 2; i < args.count(); i++) {
                if (h.remove(field(i))) {
                    n++;
                }
            }
            hashes.removeIfDead(commands.key(1), h);
        }
        reply.integer(n);
    }

    private void incrBy() {
        long delta = commands.integer(3);
        long[] result = new long[1];
        hashes.writeHash(commands.key(1), h -> {
            Long next = h.increment(field(2), delta, number);
            if (next == null) {
                return -1;
            }
            result[0] = next;
            return 0;
        });
        reply.integer(result[0]);
    }

    private void entries(boolean names, boolean values) {
        HashValue h = hashes.hash(commands.key(1));
        int n = h == null ? 0 : h.entries(elements, names, values);
        try {
            if (names && values) {
                reply.mapHeader(n / 2);
            } else {
                reply.arrayHeader(n);
            }
            byte[][] out = elements.capacity(0);
            for (int i = 0; i < n; i++) {
                reply.bulk(out[i]);
            }
        } finally {
            elements.release(n);
        }
    }
}
