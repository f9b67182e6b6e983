package io.magnetar.protocol.resp.internal;

/**
 * {@code LPUSH}, {@code RPUSH}, {@code LPOP}, {@code RPOP} (with the optional count of redis 6.2),
 * {@code LRANGE} and {@code LLEN}. Elements travel through the connection's reusable {@link Elements},
 * so that popping and ranging allocate nothing but pushing allocates only the stored copies.
 *
 * <p>Confined to its connection's event loop.
 */
final class ListCommands extends CommandGroup {

    private final Elements elements = new Elements();

    ListCommands(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        super(commands, args, reply, keyspace);
    }

    @Override
    void run(Command c) {
        switch (c) {
            case LPUSH -> push(true);
            case RPUSH -> push(false);
            case LPOP -> pop(true);
            case RPOP -> pop(false);
            case LRANGE -> range();
            case LLEN -> {
                ListValue list = keyspace.containers().list(commands.key(1));
                reply.integer(list == null ? 0 : list.size());
            }
            default -> throw new IllegalArgumentException(c + " is no list command");
        }
    }

    private void push(boolean left) {
        int n = args.count() - 2;
        byte[][] values = elements.capacity(n);
        for (int i = 0; i < n; i++) {
            values[i] = args.copy(i + 2);
        }
        try {
            reply.integer(keyspace.containers().push(commands.key(1), values, n, left));
        } finally {
            elements.release(n);
        }
    }

    private void pop(boolean left) {
        if (args.count() > 3) {
            reply.error("ERR wrong number of arguments for '" + (left ? "lpop" : "rpop") + "' command");
            return;
        }
        boolean withCount = args.count() == 3;
        long count = withCount ? positive(2) : 1;
        if (count == 0) {
            // As redis: nil for no key, the type checked, then nothing popped.
            Object v = keyspace.get(commands.key(1));
            if (v != null && !(v instanceof ListValue)) {
                throw CommandError.WRONGTYPE;
            }
            if (v == null) {
                reply.nullArray();
            } else {
                reply.raw(ReplyWriter.EMPTY_ARRAY);
            }
            return;
        }
        int n = keyspace.containers().pop(commands.key(1), left, count, elements);
        try {
            if (n < 0) {
                if (withCount) {
                    reply.nullArray();
                } else {
                    reply.nullBulk();
                }
            } else if (withCount) {
                writeArray(n);
            } else {
                reply.bulk(elements.capacity(1)[0]);
            }
        } finally {
            elements.release(Math.max(n, 0));
        }
    }

    private long positive(int arg) {
        long n;
        try {
            n = commands.integer(arg);
        } catch (CommandError notInteger) {
            throw CommandError.NOT_POSITIVE;
        }
        if (n < 0) {
            throw CommandError.NOT_POSITIVE;
        }
        return n;
    }

    private void range() {
        long start = commands.integer(2);
        long stop = commands.integer(3);
        ListValue list = keyspace.containers().list(commands.key(1));
        int n = list == null ? 0 : list.range(start, stop, elements);
        try {
            writeArray(n);
        } finally {
            elements.release(n);
        }
    }

    private void writeArray(int n) {
        byte[][] values = elements.capacity(n);
        reply.arrayHeader(n);
        for (int i = 0; i < n; i++) {
            reply.bulk(values[i]);
        }
    }
}
