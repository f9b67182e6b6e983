package io.magnetar.bench.soak;

import io.magnetar.protocol.resp.RespCommand;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One soak client of the RESP server: batches of {@value #DEPTH} pipelined commands ({@code SET k v},
 * {@code GET k}, {@code INCR counter}, {@code GET k'}) written at once, then every reply read and checked
 * against what this client expects; a new connection every {@value #COMMANDS_PER_CONNECTION} commands
 * and after any error. Each client writes only its own {@value #KEYS} keys and one counter, so the
 * store stops growing once they exist and the replies are predictable. Confined to its thread.
 */
final class RespSoakClient {

    static final int DEPTH = 16;
    static final int COMMANDS_PER_CONNECTION = 1_024;
    static final int KEYS = 64;

    private final int id;
    private final int port;
    /** Expected in place of a reply: {@code +OK}. */
    private static final Object OK = new Object();
    /** Expected in place of a value that a failed batch may or may not have set: any value will do. */
    private static final Object UNKNOWN = new Object();

    /** What each key holds as far as this client knows: a String, null while unset, or {@link #UNKNOWN}. */
    private final Object[] values = new Object[KEYS];

    private final byte[][] keys = new byte[KEYS][];
    private final byte[] counter;
    private long counterValue;
    private long n;

    RespSoakClient(int id, int port) {
        this.id = id;
        this.port = port;
        for (int k = 0; k < KEYS; k++) {
            keys[k] = ascii("soak:" + id + ":key:" + k);
        }
        counter = ascii("soak:" + id + ":counter");
    }

    /** Runs until {@code end} (a {@link System#nanoTime()} deadline), counting into {@code ok} and {@code errors}. */
    void run(long end, Runnable ok, Runnable error) {
        Arrays.fill(values, null); // each soak starts with an empty store
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                // A fresh connection starts from a known counter: a batch cut short by an error may or
                // may not have run its INCRs.
                out.write(wire(List.of(RespCommand.of("SET", counter, "0"))));
                expectSimple(in, "OK");
                ok.run();
                counterValue = 0;
                for (int c = 0; c < COMMANDS_PER_CONNECTION && System.nanoTime() < end; c += DEPTH) {
                    batch(out, in, ok);
                }
            } catch (IOException | RuntimeException e) {
                error.run();
                // What a batch that failed midway has set is unknown.
                Arrays.fill(values, UNKNOWN);
            }
        }
    }

    private void batch(OutputStream out, InputStream in, Runnable ok) throws IOException {
        List<RespCommand> requests = new ArrayList<>(DEPTH);
        // Expected replies in order: OK, a counter value (Long), or what a GET returns (see values).
        Object[] expected = new Object[DEPTH];
        for (int j = 0; j < DEPTH; j += 4) {
            int k = (int) (n % KEYS);
            int other = (int) ((n * 7 + 3) % KEYS);
            String value = "v" + id + "-" + n++;
            requests.add(RespCommand.of("SET", keys[k], value));
            values[k] = value;
            expected[j] = OK;
            requests.add(RespCommand.of("GET", keys[k]));
            expected[j + 1] = value;
            requests.add(RespCommand.of("INCR", counter));
            expected[j + 2] = ++counterValue;
            requests.add(RespCommand.of("GET", keys[other]));
            expected[j + 3] = values[other];
        }
        out.write(wire(requests));
        for (Object e : expected) {
            if (e == OK) {
                expectSimple(in, "OK");
            } else if (e instanceof Long v) {
                String line = line(in);
                if (!line.equals(":" + v)) {
                    throw new IllegalStateException("INCR answered " + line + ", expected " + v);
                }
            } else {
                String got = bulk(in);
                if (e != UNKNOWN && !Objects.equals(got, e)) {
                    throw new IllegalStateException("GET answered " + got + ", expected " + e);
                }
            }
            ok.run();
        }
    }

    private static void expectSimple(InputStream in, String status) throws IOException {
        String line = line(in);
        if (!line.equals("+" + status)) {
            throw new IllegalStateException("expected +" + status + ", got " + line);
        }
    }

    /** A bulk string reply, or null for the nil bulk {@code $-1}. */
    private static String bulk(InputStream in) throws IOException {
        String head = line(in);
        if (head.charAt(0) != '$') {
            throw new IllegalStateException("expected a bulk string, got " + head);
        }
        int length = Integer.parseInt(head, 1, head.length(), 10);
        if (length < 0) {
            return null;
        }
        byte[] body = in.readNBytes(length + 2);
        if (body.length != length + 2) {
            throw new EOFException("closed mid-reply");
        }
        return new String(body, 0, length, StandardCharsets.US_ASCII);
    }

    /** One CRLF-terminated line without its CRLF; an error reply ({@code -ERR ...}) throws. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(16);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed mid-reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IllegalStateException("CR without LF in a reply");
                }
                break;
            }
            sb.append((char) b);
        }
        if (sb.length() == 0) {
            throw new IllegalStateException("empty reply line");
        }
        if (sb.charAt(0) == '-') {
            throw new IllegalStateException("error reply " + sb);
        }
        return sb.toString();
    }

    /** The commands as one pipelined write, encoded as redis clients send them. */
    private static byte[] wire(List<RespCommand> commands) {
        ByteBuffer encoded = RespCommand.encode(commands);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
