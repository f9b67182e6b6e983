package io.magnetar.udp;

import io.magnetar.api.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits, payloads and blocking peers shared by the UDP tests. */
final class Udp {

    /** Upper bound of every wait: long enough for a loaded machine, short enough to fail fast. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The largest UDP payload over IPv4: 65,535 minus the IPv4 (20) and UDP (8) headers. */
    static final int MAX_IPV4_PAYLOAD = 65_507;

    private Udp() {}

    /** The future's value, failing after {@link #TIMEOUT}; a failed future throws its cause. */
    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Runs {@code body} on {@code loop} and returns its result. */
    static <T> T onLoop(EventLoop loop, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return await(result);
    }

    /** Polls {@code condition} until it holds, failing after {@link #TIMEOUT}. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + TIMEOUT.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(10); // polling interval; the condition decides, the deadline bounds it
        }
    }

    /** Reproducible pseudo-random bytes, so that a corrupted datagram cannot compare equal. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes);
    }

    /** True when ::1 can be bound here (IPv6 may be disabled in a container). */
    static boolean ipv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            return s.getLocalAddress() instanceof Inet6Address;
        } catch (SocketException e) {
            return false;
        }
    }

    /** A blocking peer socket on {@code host} with a receive timeout of {@link #TIMEOUT}. */
    static DatagramSocket peer(String host) throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(host, 0));
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    /** Receives one datagram of at most 64 KiB on {@code socket}. */
    static DatagramPacket receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(p);
        return p;
    }

    /** The bytes between position 0 and the position of a buffer a datagram was received into. */
    static byte[] bytesOf(ByteBuffer received) {
        return Arrays.copyOf(received.array(), received.position());
    }

    static byte[] bytesOf(DatagramPacket p) {
        return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }

    static void send(DatagramSocket socket, byte[] data, InetSocketAddress to) throws Exception {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    static InetSocketAddress address(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
