package io.magnetar.protocol.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Makes hostile inputs: valid requests mutated, and random bytes, split at random points. Seeded. */
final class HttpFuzz {

    static final String[] VALID = {
        "GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /plaintext?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nUser-Agent: fuzz\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
        "PUT /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n",
        "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", // (HEAD left out: this reader cannot know a
        // body is missing)
        "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET http://h/plaintext HTTP/1.1\r\nHost: h\r\n\r\nGET /nothing HTTP/1.1\r\nHost: h\r\n\r\n",
    };

    private static final byte[] SPECIAL = "\r\n: \t\0\u007f;,\"09afAF-/?%".getBytes(StandardCharsets.ISO_8859_1);

    private final Random random;

    HttpFuzz(long seed) {
        this.random = new Random(seed);
    }

    /** One hostile input. */
    byte[] input() {
        int kind = random.nextInt(20);
        if (kind == 0) {
            byte[] noise = new byte[random.nextInt(700)];
            random.nextBytes(noise);
            return noise;
        }
        if (kind == 1) {
            return huge();
        }
        ByteArrayOutputStream base = new ByteArrayOutputStream();
        int requests = 1 + random.nextInt(3);
        for (int i = 0; i < requests; i++) {
            base.writeBytes(VALID[random.nextInt(VALID.length)].getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] b = base.toByteArray();
        int mutations = random.nextInt(5);
        for (int i = 0; i < mutations && b.length > 0; i++) {
            b = mutate(b);
        }
        return b;
    }

    private byte[] huge() {
        String[] parts = {
            "GET /" + "a".repeat(200 + random.nextInt(400)) + " HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\n" + "X-Pad: 0123456789abcdef\r\n".repeat(10 + random.nextInt(40)) + "\r\n",
            "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + (2000 + random.nextInt(200)) + "\r\n\r\n"
                    + "b".repeat(random.nextInt(3000)),
            "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + "400\r\n" + "c".repeat(1024)
                    + "\r\n" + "400\r\n" + "d".repeat(1024) + "\r\n0\r\n\r\n"
        };
        return parts[random.nextInt(parts.length)].getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] mutate(byte[] b) {
        int at = random.nextInt(b.length);
        switch (random.nextInt(7)) {
            case 0: // flip to any byte
                b[at] = (byte) random.nextInt(256);
                return b;
            case 1: // a byte that matters to the grammar
                b[at] = SPECIAL[random.nextInt(SPECIAL.length)];
                return b;
            case 2: { // delete a range
                int n = Math.min(b.length - at, 1 + random.nextInt(8));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
            case 3: { // duplicate a range in place
                int n = Math.min(b.length - at, 1 + random.nextInt(40));
                return insert(b, random.nextInt(b.length + 1), java.util.Arrays.copyOfRange(b, at, at + n));
            }
            case 4: { // insert grammar bytes
                byte[] ins = new byte[1 + random.nextInt(3)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = SPECIAL[random.nextInt(SPECIAL.length)];
                }
                return insert(b, at, ins);
            }
            case 5: // cut short
                return java.util.Arrays.copyOf(b, at);
            default: { // a long run, to cross limits
                byte[] run = new byte[100 + random.nextInt(600)];
                java.util.Arrays.fill(run, (byte) (random.nextBoolean() ? 'A' : '9'));
                return insert(b, at, run);
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        byte[] out = new byte[b.length + ins.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(ins, 0, out, at, ins.length);
        System.arraycopy(b, at, out, at + ins.length, b.length - at);
        return out;
    }

    /** {@code input} cut at up to six random points. */
    List<byte[]> split(byte[] input) {
        int cuts = random.nextInt(7);
        List<Integer> points = new ArrayList<>();
        for (int i = 0; i < cuts; i++) {
            points.add(random.nextInt(input.length + 1));
        }
        points.sort(null);
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int p : points) {
            pieces.add(java.util.Arrays.copyOfRange(input, from, p));
            from = p;
        }
        pieces.add(java.util.Arrays.copyOfRange(input, from, input.length));
        return pieces;
    }

    boolean coin() {
        return random.nextBoolean();
    }

    static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
