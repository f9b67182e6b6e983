package io.magnetar.bench.load;

import io.magnetar.bench.servers.Args;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Closed-loop echo load from one thread: {@code --connections C --inflight K --size S} keeps K
 * messages of S bytes in flight on each of C connections for {@code --seconds} after
 * {@code --warmup} seconds, and prints one {@code RESULT} line: messages/s and latency percentiles
 * (before it, {@code MEASURE start} and {@code MEASURE end} lines mark the measured interval, see {@link #mark}).
 * With {@code --framed true} each message ends with the echo protocol's separator. The same program
 * drives every server, so the comparison is the servers', not the clients'.
 */
public final class EchoLoad {

    /** One connection's state: bytes still to write, reply bytes of an unfinished message, send times. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer view;
        final long[] sentAt;
        int head;
        int tail;
        long bytesToWrite;
        long partialReply;
        SelectionKey key;

        Conn(SocketChannel channel, ByteBuffer chunk, int inflight) {
            this.channel = channel;
            this.view = chunk.duplicate();
            this.sentAt = new long[inflight];
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.get("host", "127.0.0.1");
        int port = args.getInt("port", 7007);
        int connections = args.getInt("connections", 1);
        int inflight = args.getInt("inflight", 1);
        int size = args.getInt("size", 64);
        double seconds = Double.parseDouble(args.get("seconds", "5"));
        double warmup = Double.parseDouble(args.get("warmup", "1"));
        boolean framed = Boolean.parseBoolean(args.get("framed", "false"));

        byte[] message = new byte[size];
        Arrays.fill(message, (byte) 'x');
        if (framed) {
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, message, size - 4, 4);
        }
        run(host, port, connections, inflight, message, size, seconds, warmup, ch -> {});
    }

    /** Something to do on each connection, blocking, before the load starts (a WebSocket handshake). */
    interface Prepare {
        void on(SocketChannel channel) throws IOException;
    }

    /**
     * The closed loop itself: {@code message} sent {@code inflight} times per connection, each answer
     * counted after {@code replySize} bytes, then one more message.
     */
    static void run(
            String host,
            int port,
            int connections,
            int inflight,
            byte[] message,
            int replySize,
            double seconds,
            double warmup,
            Prepare prepare)
            throws IOException {
        int size = message.length;
        ByteBuffer chunk = ByteBuffer.allocateDirect(size * inflight);
        for (int i = 0; i < inflight; i++) {
            chunk.put(message);
        }
        chunk.flip();

        Selector selector = Selector.open();
        Conn[] conns = new Conn[connections];
        long now = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            prepare.on(ch);
            ch.configureBlocking(false);
            Conn c = new Conn(ch, chunk, inflight);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            for (int k = 0; k < inflight; k++) {
                c.sentAt[c.head++ % inflight] = now;
            }
            c.bytesToWrite = (long) size * inflight;
            flush(c);
            conns[i] = c;
        }

        LatencyHistogram histogram = new LatencyHistogram();
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        long replies = 0;
        boolean measuring = false;
        while (true) {
            long t = System.nanoTime();
            if (t >= end) {
                break;
            }
            if (!measuring && t >= measureFrom) {
                measuring = true;
                mark("start");
            }
            selector.select(
                    key -> {
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isWritable()) {
                                flush(c);
                            }
                            if (key.isReadable()) {
                                read(c, readBuffer, size, replySize, inflight, measureFrom, histogram);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException("connection failed: " + e, e);
                        }
                    },
                    100);
        }
        mark("end");
        replies = histogram.total();
        double rate = replies / seconds;
        System.out.printf(
                "RESULT msgs_per_sec=%.0f p50_us=%d p99_us=%d p999_us=%d replies=%d%n",
                rate,
                histogram.percentileMicros(0.50),
                histogram.percentileMicros(0.99),
                histogram.percentileMicros(0.999),
                replies);
        for (Conn c : conns) {
            c.channel.close();
        }
        selector.close();
    }

    /**
     * Prints {@code MEASURE start} when the measured part begins (the warm-up is over) and {@code MEASURE
     * end} when it ends, flushed at once: {@code bench/run} samples the server's CPU time at these lines, so
     * that its CPU per message covers the measured messages only. Every load program prints them.
     */
    static void mark(String what) {
        System.out.println("MEASURE " + what);
        System.out.flush();
    }

    private static void read(
            Conn c, ByteBuffer buf, int size, int replySize, int inflight, long measureFrom, LatencyHistogram histogram)
            throws IOException {
        buf.clear();
        int n = c.channel.read(buf);
        if (n < 0) {
            throw new IOException("server closed the connection");
        }
        long total = c.partialReply + n;
        long done = total / replySize;
        c.partialReply = total % replySize;
        long now = System.nanoTime();
        for (long i = 0; i < done; i++) {
            long sent = c.sentAt[c.tail++ % inflight];
            if (sent >= measureFrom) {
                histogram.record(now - sent);
            }
            c.sentAt[c.head++ % inflight] = now;
        }
        if (done > 0) {
            c.bytesToWrite += done * size;
            flush(c);
        }
    }

    private static void flush(Conn c) throws IOException {
        while (c.bytesToWrite > 0) {
            c.view.clear();
            c.view.limit((int) Math.min(c.view.capacity(), c.bytesToWrite));
            int want = c.view.remaining();
            int n = c.channel.write(c.view);
            c.bytesToWrite -= n;
            if (n < want) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
        c.key.interestOps(SelectionKey.OP_READ);
    }
}
