package io.magnetar.tls;

import io.magnetar.api.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Bounded waits, payloads and JDK TLS clients shared by the tests. */
final class Support {

    /** Upper bound of every wait: long enough for a loaded machine, short enough to fail fast. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Support() {}

    /** The future's value, failing after {@link #TIMEOUT}; a failed future throws its cause. */
    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Polls {@code condition} until it holds or {@link #TIMEOUT} passes. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1); // polling interval, not synchronisation: the condition decides
        }
    }

    /** Reproducible pseudo-random bytes. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static Endpoint endpoint(Map<String, Object> properties) {
        return Endpoint.builder()
                .host("127.0.0.1")
                .port(0)
                .properties(properties)
                .build();
    }

    /** A JDK client context trusting {@code trust}, presenting the key of {@code keys} if not null. */
    static SSLContext jdkContext(Path trust, Path keys) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trust));
        KeyManagerFactory kmf = null;
        if (keys != null) {
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(load(keys), TestPki.PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, TestPki.PASSWORD.toCharArray());
        }
        return store;
    }

    /**
     * A connected JDK {@link SSLSocket} (handshake not yet started) checking the server's name as
     * HTTPS does; {@code protocols} restricts the versions when given.
     */
    static SSLSocket jdkClient(InetSocketAddress server, SSLContext context, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.getAddress(), server.getPort());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            params.setProtocols(protocols);
        }
        socket.setSSLParameters(params);
        return socket;
    }

    /** A plain TCP client. */
    static Socket plainClient(InetSocketAddress server) throws IOException {
        Socket socket = new Socket(server.getAddress(), server.getPort());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return socket;
    }

    /** Writes {@code data} on a thread of its own, so that the caller can read at the same time. */
    static CompletableFuture<Void> writeAsync(Socket socket, byte[] data) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        socket.getOutputStream().write(data);
                        socket.getOutputStream().flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                runnable -> new Thread(runnable, "client-writer").start());
    }

    /** What {@code socket} reads until EOF; a reset ends the stream as well and is reported. */
    static Ending readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException reset) {
            return new Ending(all.toByteArray(), reset);
        }
        return new Ending(all.toByteArray(), null);
    }

    /** Bytes read and how the stream ended: {@code error} is null for a clean EOF. */
    record Ending(byte[] bytes, IOException error) {}
}
