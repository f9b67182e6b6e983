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
 * Closed-loop WebSocket echo load (binary frames of {@code --size} bytes, at most 125) adapted from
 * {@link EchoLoad}: from one thread: {@code --connections C --inflight K --size S} keeps K
 * messages of S bytes in flight on each of C connections for {@code --seconds} after
 * {@code --warmup} seconds, and prints one {@code RESULT} line: messages/s and latency percentiles.
 * With {@code --framed true} each message ends with the echo protocol's separator. The same program
 * drives every server, so the comparison is the servers', not the clients'.
 */
public final class WebSocketLoad {

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
        int payloadSize = args.getInt("size", 64);
        double seconds = Double.parseDouble(args.get("seconds", "5"));
        double warmup = Double.parseDouble(args.get("warmup", "1"));
        int payload = payloadSize;
        // A masked binary frame from the client (RFC 6455 5.2), its unmasked echo from the server.
        byte[] message = new byte[2 + 4 + payload];
        message[0] = (byte) 0x82;
        message[1] = (byte) (0x80 | payload);
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        System.arraycopy(mask, 0, message, 2, 4);
        for (int i = 0; i < payload; i++) {
            message[6 + i] = (byte) ('x' ^ mask[i & 3]);
        }
        int size = message.length;
        int replySize = 2 + payload;
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
            handshake(ch, host, port);
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
        while (true) {
            long t = System.nanoTime();
            if (t >= end) {
                break;
            }
            selector.select(key -> {
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
            }, 100);
        }
        replies = histogram.total();
        double rate = replies / seconds;
        System.out.printf("RESULT msgs_per_sec=%.0f p50_us=%d p99_us=%d p999_us=%d replies=%d%n", rate,
                histogram.percentileMicros(0.50), histogram.percentileMicros(0.99),
                histogram.percentileMicros(0.999), replies);
        for (Conn c : conns) {
            c.channel.close();
        }
        selector.close();
    }

    /** The opening handshake, blocking, before the load starts. */
    private static void handshake(SocketChannel ch, String host, int port) throws IOException {
        String request = "GET /ws/echo HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) one.get(0));
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    private static void read(Conn c, ByteBuffer buf, int size, int replySize, int inflight, long measureFrom,
                             LatencyHistogram histogram) throws IOException {
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
