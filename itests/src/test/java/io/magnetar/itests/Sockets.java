package io.magnetar.itests;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain blocking loopback clients for the echo protocol. */
final class Sockets {

    private Sockets() {
    }

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
}
