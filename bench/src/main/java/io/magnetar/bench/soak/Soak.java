package io.magnetar.bench.soak;

import io.magnetar.api.Endpoint;
import io.magnetar.bench.load.TrustStores;
import io.magnetar.bench.servers.Args;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.DatagramEchoProtocol;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.resp.RespServer;
import io.magnetar.protocol.resp.RespStore;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.SslTransportProvider;
import io.magnetar.udp.DatagramServer;
import io.magnetar.udp.UdpTransportProvider;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A mixed soak: echo, HTTP, UDP echo, TLS echo and RESP servers in this JVM on one event loop group, each
 * driven by its own clients; prints requests served and errors per protocol, and the heap after a full GC
 * sampled under load from the end of a warm-up on, so that one-time costs (JIT, class loading, buffers
 * and pools reaching their working size) do not read as growth. RESP clients pipeline SET/GET/INCR and
 * check every reply ({@link RespSoakClient}).
 * {@code --seconds 60 --warmup 20 --sample-every 15 --clients 4 --protocols echo,http,udp,tls,resp
 * --histogram false --tls-keystore p12 --tls-password pw}; {@code --histogram true} adds the classes whose
 * live bytes grew most after the warm-up. Not run by CI: see {@code bench/soak}.
 */
public final class Soak {

    private static final byte[] HTTP_GET =
            "GET /plaintext HTTP/1.1\r\nHost: soak\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        long seconds = args.getInt("seconds", 60);
        long warmup = args.getInt("warmup", 20);
        long sampleEvery = args.getInt("sample-every", 15);
        boolean histogram = Boolean.parseBoolean(args.get("histogram", "false"));
        List<String> protocols =
                List.of(args.get("protocols", "echo,http,udp,tls,resp").split(","));
        int clients = args.getInt("clients", 4);
        String keyStore = args.get("tls-keystore", "");
        String password = args.get("tls-password", "");

        var loops = new SelectorEventLoopGroup(2, "soak-loop");
        TcpTransportProvider tcp = new TcpTransportProvider(loops);
        Endpoint local =
                Endpoint.builder().host("127.0.0.1").port(0).backlog(1024).build();
        TcpServer echo = TcpServer.builder(tcp, EchoServerConsumer::newConnection)
                .endpoint(local)
                .build();
        TcpServer http = TcpServer.builder(tcp, HttpServerConsumer::newConnection)
                .endpoint(local)
                .build();
        TcpServer tls = TcpServer.builder(new SslTransportProvider(tcp), EchoServerConsumer::newConnection)
                .endpoint(local.toBuilder()
                        .property("tls.keyStore", keyStore)
                        .property("tls.keyStorePassword", password)
                        .build())
                .build();
        RespStore store = new RespStore();
        TcpServer resp = TcpServer.builder(tcp, () -> RespServer.newConnection(store))
                .endpoint(local)
                .build();
        DatagramServer udp = DatagramServer.builder(new UdpTransportProvider(loops), DatagramEchoProtocol::new)
                .endpoint(local)
                .build();
        echo.startServing().join();
        http.startServing().join();
        tls.startServing().join();
        udp.startServing().join();
        resp.startServing().join();
        TrustManager[] trust =
                protocols.contains("tls") ? TrustStores.trustManagers(Path.of(keyStore), password) : null;

        if (histogram) {
            HeapProbe.liveBytesPerClass(); // its first call sets up JMX: that must not count as growth
        }
        long heapIdle = HeapProbe.heapAfterFullGc();
        long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        Map<String, Counters> results = new LinkedHashMap<>();
        List<Thread> drivers = new ArrayList<>();
        for (String protocol : protocols) {
            Counters c = new Counters();
            results.put(protocol, c);
            for (int i = 0; i < clients; i++) {
                int id = i;
                Runnable body = switch (protocol) {
                    case "echo" ->
                        () -> streamClient(
                                c,
                                end,
                                () -> new Socket(
                                        InetAddress.getLoopbackAddress(),
                                        echo.address().getPort()),
                                id,
                                false);
                    case "http" ->
                        () -> streamClient(
                                c,
                                end,
                                () -> new Socket(
                                        InetAddress.getLoopbackAddress(),
                                        http.address().getPort()),
                                id,
                                true);
                    case "tls" -> () -> streamClient(c, end, new TlsConnector(trust, tls.address()), id, false);
                    case "resp" ->
                        () -> new RespSoakClient(id, resp.address().getPort())
                                .run(end, c.ok::incrementAndGet, c.errors::incrementAndGet);
                    case "udp" -> () -> udpClient(c, end, udp.address(), id);
                    default ->
                        throw new IllegalArgumentException(
                                "--protocols: unknown '" + protocol + "'; known: echo,http,udp,tls,resp");
                };
                Thread t = new Thread(body, "soak-" + protocol + "-" + i);
                t.start();
                drivers.add(t);
            }
        }
        HeapSamples heap = HeapSamples.take(warmEnd, seconds, sampleEvery, histogram);
        for (Thread t : drivers) {
            t.join();
        }

        long total = 0;
        long errors = 0;
        System.out.printf(
                "soak: %d s warm-up, then %d s measured; %d clients per protocol%n", warmup, seconds, clients);
        for (var e : results.entrySet()) {
            System.out.printf(
                    "  %-5s requests %,12d   errors %,6d%n",
                    e.getKey(), e.getValue().ok.get(), e.getValue().errors.get());
            total += e.getValue().ok.get();
            errors += e.getValue().errors.get();
        }
        System.out.printf("  total requests %,d, errors %,d%n", total, errors);
        echo.close().join();
        http.close().join();
        tls.close().join();
        udp.close().join();
        resp.close().join();
        long heapClosed = HeapProbe.heapAfterFullGc();
        heap.print(warmup);
        System.out.printf(
                "  heap after full GC with no load: before the warm-up %,d bytes, after the servers closed"
                        + " %,d bytes (%+,d; warm-up included)%n",
                heapIdle, heapClosed, heapClosed - heapIdle);
        loops.close().join();
    }

    interface SocketSupplier {
        Socket open() throws Exception;
    }

    /** Echo (or HTTP GET) request after request; a new connection every 1,000 requests and after any error. */
    private static void streamClient(Counters c, long end, SocketSupplier connect, int id, boolean http) {
        long n = 0;
        while (System.nanoTime() < end) {
            try (Socket s = connect.open()) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int k = 0; k < 1_000 && System.nanoTime() < end; k++) {
                    if (http) {
                        out.write(HTTP_GET);
                        readHttpResponse(in);
                    } else {
                        byte[] message =
                                ("client " + id + " message " + n++ + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                        out.write(message);
                        byte[] back = new byte[message.length];
                        new DataInputStream(in).readFully(back);
                        if (!java.util.Arrays.equals(message, back)) {
                            throw new IllegalStateException("wrong echo");
                        }
                    }
                    c.ok.incrementAndGet();
                }
            } catch (Exception e) {
                c.errors.incrementAndGet();
            }
        }
    }

    /** Reads one response with a Content-Length body. */
    private static void readHttpResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed mid-response");
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("status " + head.substring(0, Math.min(12, head.length())));
        }
        in.readNBytes(length);
    }

    /** Datagram after datagram; a datagram not echoed within 1 s counts as an error (UDP may drop). */
    private static void udpClient(Counters c, long end, InetSocketAddress server, int id) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(1_000);
            byte[] buf = new byte[2048];
            long n = 0;
            while (System.nanoTime() < end) {
                byte[] message = ("udp " + id + " " + n++).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(message, message.length, server));
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(reply);
                    if (reply.getLength() == message.length) {
                        c.ok.incrementAndGet();
                    } else {
                        c.errors.incrementAndGet();
                    }
                } catch (SocketTimeoutException e) {
                    c.errors.incrementAndGet();
                }
            }
        } catch (Exception e) {
            c.errors.incrementAndGet();
        }
    }

    /**
     * Opens the TLS client's connections, resuming sessions as a long-lived client would, with a fresh
     * client context every {@value #CONNECTIONS_PER_CONTEXT} connections: the JDK's client keeps each
     * session it resumed from reachable from the next (they chain up from its session cache), so one
     * context for the whole run would grow the heap of the load generator, not of the server under test.
     * Confined to its client thread.
     */
    private static final class TlsConnector implements SocketSupplier {
        static final int CONNECTIONS_PER_CONTEXT = 16;

        /** Loaded once for all clients: only the context, which holds the session cache, is renewed. */
        private final TrustManager[] trust;

        private final InetSocketAddress server;
        private SSLContext context;
        private int connections;

        TlsConnector(TrustManager[] trust, InetSocketAddress server) {
            this.trust = trust;
            this.server = server;
        }

        @Override
        public Socket open() throws Exception {
            if (connections % CONNECTIONS_PER_CONTEXT == 0) {
                context = TrustStores.clientContext(trust);
            }
            connections++;
            return context.getSocketFactory().createSocket(server.getAddress(), server.getPort());
        }
    }

    /** Requests answered and errors of one protocol. Thread-safe. */
    private static final class Counters {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
    }
}
