package io.magnetar.itests;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Plain blocking loopback clients for the echo protocol. */
final class Sockets {

    private Sockets() {}

    /** Sends one echo message and returns the reply without its separator. */
    static String echo(int port, String message) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] out = (message + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(out);
            byte[] back = new byte[out.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            String reply = new String(back, StandardCharsets.UTF_8);
            return reply.substring(0, reply.length() - 4);
        }
    }

    /** True when the echo endpoint on {@code port} answers a message now. */
    static boolean echoes(int port) {
        try {
            return echo(port, "up").equals("up");
        } catch (IOException e) {
            return false;
        }
    }

    /** True when nothing listens on {@code port}: we can bind it ourselves. */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago (for tests that need the same port twice). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Up to {@code n} bytes, fewer at EOF; {@code null} on a reset; a timeout propagates. */
    static String readUpTo(Socket s, int n) throws IOException {
        byte[] buf = new byte[n];
        int got = 0;
        InputStream in = s.getInputStream();
        try {
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            if (got == 0) {
                return null;
            }
            // bytes of a reply, then a reset: reported as the partial reply it is
        }
        return new String(buf, 0, got, StandardCharsets.US_ASCII);
    }
}
