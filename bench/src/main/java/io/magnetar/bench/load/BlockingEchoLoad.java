package io.magnetar.bench.load;

import io.magnetar.bench.servers.Args;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Echo load with one blocking socket per thread, plain or TLS ({@code --tls-truststore p12
 * --tls-password pw}): each connection writes a message of {@code --size} bytes and reads it back,
 * for {@code --seconds} after {@code --warmup}. Prints {@code RESULT msgs_per_sec=… mb_per_sec=…}, after
 * {@code MEASURE start}/{@code MEASURE end} lines around the measured interval ({@link EchoLoad#mark}).
 * Plain and TLS runs use the same code, so their ratio is the cost of TLS.
 */
public final class BlockingEchoLoad {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int port = args.getInt("port", 7007);
        int connections = args.getInt("connections", 4);
        int size = args.getInt("size", 16384);
        double seconds = Double.parseDouble(args.get("seconds", "5"));
        double warmup = Double.parseDouble(args.get("warmup", "1"));
        String trustStore = args.get("tls-truststore", "");
        SSLContext tls = trustStore.isEmpty() ? null : context(Path.of(trustStore), args.get("tls-password", ""));

        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket socket = tls == null
                    ? new Socket("127.0.0.1", port)
                    : tls.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            Thread t = new Thread(() -> run(socket, size, measureFrom, end, done));
            t.start();
            threads.add(t);
        }
        // The connections run on their own threads; this one marks the measured interval for bench/run.
        sleepUntil(measureFrom);
        EchoLoad.mark("start");
        sleepUntil(end);
        EchoLoad.mark("end");
        for (Thread t : threads) {
            t.join();
        }
        double rate = done.get() / seconds;
        System.out.printf("RESULT msgs_per_sec=%.0f mb_per_sec=%.1f p50_us=0 p99_us=0%n", rate, rate * size / 1e6);
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static void run(Socket socket, int size, long measureFrom, long end, AtomicLong done) {
        byte[] message = new byte[size];
        byte[] reply = new byte[size];
        try (socket) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            long count = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                out.write(message);
                in.readFully(reply);
                if (now >= measureFrom) {
                    count++;
                }
            }
            done.addAndGet(count);
        } catch (Exception e) {
            throw new IllegalStateException("connection failed: " + e, e);
        }
    }

    private static SSLContext context(Path trustStore, String password) throws Exception {
        return TrustStores.clientContext(TrustStores.trustManagers(trustStore, password));
    }
}
