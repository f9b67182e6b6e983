package io.magnetar.protocol.resp.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of hostile RESP requests: pipelines of real commands (arrays and inline) on a few
 * shared keys, the same mutated (flipped, inserted, deleted, duplicated, truncated bytes, lengths made
 * huge or negative), random bytes, and headers that claim far more than the limits allow; and random
 * ways to cut them into reads. Same seed, same cases.
 */
public final class RespFuzz {

    private static final String[][] COMMANDS = {
        {"PING"},
        {"PING", "$v"},
        {"ECHO", "$v"},
        {"GET", "$k"},
        {"SET", "$k", "$v"},
        {"SET", "$k", "$v", "EX", "$n"},
        {"SET", "$k", "$v", "PX", "$n", "NX"},
        {"DEL", "$k", "$k"},
        {"EXISTS", "$k"},
        {"INCR", "$k"},
        {"DECR", "$k"},
        {"INCRBY", "$k", "$n"},
        {"MGET", "$k", "$k", "$k"},
        {"MSET", "$k", "$v", "$k", "$v"},
        {"LPUSH", "$k", "$v", "$v"},
        {"RPUSH", "$k", "$v"},
        {"LPOP", "$k"},
        {"RPOP", "$k", "$n"},
        {"LRANGE", "$k", "$n", "$n"},
        {"LLEN", "$k"},
        {"DBSIZE"},
        {"INFO"},
        {"COMMAND", "DOCS"},
        {"CONFIG", "GET", "save"},
        {"SELECT", "$n"},
        {"NOSUCH", "$v"},
        {"GET"},
        {"SET", "$k"},
        {"FLUSHALL"},
    };

    private final Random random;

    public RespFuzz(long seed) {
        this.random = new Random(seed);
    }

    public boolean coin() {
        return random.nextBoolean();
    }

    /** One hostile input. */
    public byte[] input() {
        int kind = random.nextInt(10);
        if (kind < 3) {
            return pipeline();
        }
        if (kind < 7) {
            return mutate(pipeline());
        }
        if (kind == 7) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            return junk;
        }
        if (kind == 8) {
            return hostileHeader();
        }
        return longInline();
    }

    private byte[] pipeline() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String[] template = COMMANDS[random.nextInt(COMMANDS.length)];
            List<byte[]> args = new ArrayList<>();
            for (String t : template) {
                args.add(expand(t));
            }
            boolean inline = random.nextInt(4) == 0 && args.stream().allMatch(RespFuzz::inlineSafe);
            write(out, inline ? inline(args) : array(args));
        }
        return out.toByteArray();
    }

    private byte[] expand(String template) {
        switch (template) {
            case "$k":
                return ("k" + random.nextInt(4)).getBytes(StandardCharsets.US_ASCII);
            case "$n":
                return Long.toString(random.nextInt(7) == 0 ? random.nextLong() : random.nextInt(20) - 5)
                        .getBytes(StandardCharsets.US_ASCII);
            case "$v":
                byte[] v = new byte[random.nextInt(random.nextInt(8) == 0 ? 400 : 12)];
                if (coin()) {
                    random.nextBytes(v);
                } else {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (byte) ('a' + random.nextInt(26));
                    }
                }
                return v;
            default:
                String name = coin() ? template : template.toLowerCase();
                return name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static boolean inlineSafe(byte[] arg) {
        if (arg.length == 0) {
            return false;
        }
        for (byte b : arg) {
            if (b <= ' ' || b == 0x7f || b == '"' || b == '\'') { // quotes are inline syntax
                return false;
            }
        }
        return true;
    }

    private static byte[] array(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, ("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            write(out, ("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            write(out, a);
            write(out, new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private byte[] inline(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                write(out, new byte[] {(byte) (coin() ? ' ' : '\t')});
            }
            write(out, args.get(i));
        }
        write(out, coin() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        return out.toByteArray();
    }

    private byte[] mutate(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = input;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            out.reset();
            switch (random.nextInt(6)) {
                case 0 -> {
                    b = b.clone();
                    b[at] = (byte) random.nextInt(256);
                    continue;
                }
                case 1 -> {
                    write(out, b, 0, at);
                    write(out, new byte[] {"*$\r\n-0123456789:+".getBytes(StandardCharsets.US_ASCII)[random.nextInt(17)]
                    });
                    write(out, b, at, b.length - at);
                }
                case 2 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(8));
                    write(out, b, 0, at);
                    write(out, b, at + len, b.length - at - len);
                }
                case 3 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(16));
                    write(out, b, 0, at + len);
                    write(out, b, at, b.length - at);
                }
                case 4 -> write(out, b, 0, at);
                default -> {
                    // A digit becomes a huge or negative number: the length checks must hold.
                    write(out, b, 0, at);
                    write(out, (coin() ? "99999999999" : "-7").getBytes(StandardCharsets.US_ASCII));
                    write(out, b, at, b.length - at);
                }
            }
            b = out.toByteArray();
        }
        return b;
    }

    private byte[] hostileHeader() {
        String[] headers = {
            "*2147483648\r\n",
            "*1048577\r\n",
            "*3\r\n$2147483647\r\n",
            "*2\r\n$4\r\nECHO\r\n$99999999\r\n",
            "*-2\r\n*1\r\n$4\r\nPING\r\n",
            "*100\r\n" + "$1\r\nx\r\n".repeat(100),
            "*1\r\n$-1\r\n",
            "*5\r\n" + ("$250\r\n" + "y".repeat(250) + "\r\n").repeat(4) + "$250\r\n"
        };
        return headers[random.nextInt(headers.length)].getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] longInline() {
        StringBuilder s = new StringBuilder(coin() ? "ECHO " : "");
        int n = random.nextInt(coin() ? 40 : 400);
        for (int i = 0; i < n; i++) {
            s.append(coin() ? 'a' : ' ');
        }
        return s.append(coin() ? "\r\n" : "").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code input} cut at random points (possibly between every byte, possibly not at all). */
    public List<byte[]> split(byte[] input) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        int mode = random.nextInt(3);
        while (at < input.length) {
            int len = mode == 0 ? input.length - at : mode == 1 ? 1 + random.nextInt(3) : 1 + random.nextInt(64);
            len = Math.min(len, input.length - at);
            byte[] piece = new byte[len];
            System.arraycopy(input, at, piece, 0, len);
            pieces.add(piece);
            at += len;
        }
        return pieces;
    }

    private static void write(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }

    private static void write(ByteArrayOutputStream out, byte[] b, int off, int len) {
        out.write(b, off, len);
    }

    /** The input for a failure message: printable ASCII kept, the rest escaped, cut at 300 chars. */
    public static String printable(byte[] input) {
        StringBuilder s = new StringBuilder();
        for (byte b : input) {
            if (s.length() > 300) {
                return s.append("...(").append(input.length).append(" bytes)").toString();
            }
            if (b >= 0x20 && b < 0x7f) {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return s.toString();
    }
}
