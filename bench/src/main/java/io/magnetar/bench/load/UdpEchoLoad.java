package io.magnetar.bench.load;

import io.magnetar.bench.servers.Args;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * Closed-loop datagram echo load from one thread: {@code --sockets S --inflight K --size B} keeps K
 * datagrams in flight per connected socket; a socket that hears nothing for 50 ms refills its window
 * (the missing replies count as lost). Prints {@code RESULT msgs_per_sec=… p50_us=… p99_us=… lost=…}, after
 * {@code MEASURE start}/{@code MEASURE end} lines around the measured interval ({@link EchoLoad#mark}).
 */
public final class UdpEchoLoad {

    private static final long REFILL_NANOS = 50_000_000L;

    private static final class Sock {
        final DatagramChannel channel;
        final long[] sentAt;
        int head;
        int tail;
        int outstanding;
        long lastReply;

        Sock(DatagramChannel channel, int inflight) {
            this.channel = channel;
            this.sentAt = new long[inflight];
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        InetSocketAddress server = new InetSocketAddress(args.get("host", "127.0.0.1"), args.getInt("port", 7007));
        int sockets = args.getInt("connections", 8);
        int inflight = args.getInt("inflight", 8);
        int size = args.getInt("size", 64);
        double seconds = Double.parseDouble(args.get("seconds", "5"));
        double warmup = Double.parseDouble(args.get("warmup", "1"));

        ByteBuffer payload = ByteBuffer.allocateDirect(size);
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        Selector selector = Selector.open();
        Sock[] socks = new Sock[sockets];
        for (int i = 0; i < sockets; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.connect(server);
            ch.configureBlocking(false);
            Sock s = new Sock(ch, inflight);
            ch.register(selector, SelectionKey.OP_READ, s);
            socks[i] = s;
            fill(s, payload, inflight);
        }
        LatencyHistogram histogram = new LatencyHistogram();
        long measureFrom = System.nanoTime() + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        long[] lost = new long[1];
        long now;
        boolean measuring = false;
        while ((now = System.nanoTime()) < end) {
            if (!measuring && now >= measureFrom) {
                measuring = true;
                EchoLoad.mark("start");
            }
            selector.select(
                    key -> {
                        Sock s = (Sock) key.attachment();
                        try {
                            while (true) {
                                in.clear();
                                if (s.channel.receive(in) == null) {
                                    break;
                                }
                                // A clock read per reply: a fast server answers the datagram sent below
                                // before the next receive, and a time taken once per wake-up made that
                                // round trip 0 µs.
                                long t = System.nanoTime();
                                if (s.outstanding == 0) {
                                    continue; // a late reply to a datagram already written off
                                }
                                long sent = s.sentAt[s.tail++ % inflight];
                                s.outstanding--;
                                s.lastReply = t;
                                if (sent >= measureFrom) {
                                    histogram.record(t - sent);
                                }
                                send(s, payload, inflight, t);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    10);
            for (Sock s : socks) {
                if (now - s.lastReply > REFILL_NANOS && s.outstanding < inflight) {
                    lost[0] += s.outstanding;
                    s.outstanding = 0;
                    s.tail = s.head;
                    s.lastReply = now;
                    fill(s, payload, inflight);
                }
            }
        }
        EchoLoad.mark("end");
        System.out.printf(
                "RESULT msgs_per_sec=%.0f p50_us=%d p99_us=%d p999_us=%d lost=%d%n",
                histogram.total() / seconds,
                histogram.percentileMicros(0.5),
                histogram.percentileMicros(0.99),
                histogram.percentileMicros(0.999),
                lost[0]);
    }

    private static void fill(Sock s, ByteBuffer payload, int inflight) throws IOException {
        long t = System.nanoTime();
        while (s.outstanding < inflight) {
            send(s, payload, inflight, t);
        }
    }

    private static void send(Sock s, ByteBuffer payload, int inflight, long t) throws IOException {
        payload.clear();
        s.sentAt[s.head++ % inflight] = t;
        s.outstanding++;
        s.channel.write(payload);
    }
}
