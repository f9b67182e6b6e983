package io.magnetar.protocols;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking java.net client for line protocols; reads time out after {@link Loopback#TIMEOUT_SECONDS}. */
final class LineClient implements Closeable {

    final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        try {
            // No Nagle: tests that send byte by byte wait for each byte to arrive before the next.
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) (Loopback.TIMEOUT_SECONDS * 1000));
            socket.connect(address, (int) (Loopback.TIMEOUT_SECONDS * 1000));
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code text} in one write. */
    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    /** Reads to the end of the stream; returns how many characters came. */
    long drain() throws IOException {
        char[] buf = new char[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }

    /** The next character, or -1 at the end of the stream. */
    int read() throws IOException {
        return in.read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
