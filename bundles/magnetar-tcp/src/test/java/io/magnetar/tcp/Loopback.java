package io.magnetar.tcp;

import io.magnetar.api.EventLoop;
import io.magnetar.api.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Bounded waits, payloads and blocking-socket I/O shared by the loopback tests. */
final class Loopback {

    /** Upper bound of every wait: long enough for a loaded machine, short enough to fail fast. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Loopback() {}

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

    /** Reproducible pseudo-random bytes, so that a lost or misplaced chunk cannot compare equal. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Splits {@code data} into buffers of {@code chunk} bytes (the last may be shorter). */
    static List<ByteBuffer> chunks(byte[] data, int chunk) {
        List<ByteBuffer> list = new ArrayList<>();
        for (int off = 0; off < data.length; off += chunk) {
            list.add(ByteBuffer.wrap(data, off, Math.min(chunk, data.length - off))
                    .slice());
        }
        return list;
    }

    /**
     * Shrinks the kernel send buffer of a transport's socket, so that what is written queues in the
     * transport instead of the kernel. Call on the transport's loop. Not smaller than two loopback
     * segments (MSS ~64 KiB): below that every segment waits for a delayed ACK and the test crawls.
     */
    static void smallSendBuffer(Transport transport) {
        try {
            ((SocketChannel) transport.extraInfo(Transport.SOCKET))
                    .setOption(StandardSocketOptions.SO_SNDBUF, 128 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code data} on a thread of its own, so that the caller can read at the same time. */
    static CompletableFuture<Void> writeAsync(Socket socket, byte[] data) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write(data);
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                runnable -> new Thread(runnable, "client-writer").start());
    }

    /** Reads exactly {@code n} bytes, or fewer if the stream ends first. */
    static byte[] readExactly(Socket socket, int n) throws IOException {
        return socket.getInputStream().readNBytes(n);
    }

    /** Reads until EOF or a connection reset, whichever ends the stream first. */
    static byte[] readUntilEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException reset) {
            // An aborted peer may reset instead of sending FIN: the stream ends here either way.
        }
        return all.toByteArray();
    }

    /** Reads until EOF; a reset fails. */
    static byte[] readToEof(Socket socket) throws IOException {
        return socket.getInputStream().readAllBytes();
    }
}
