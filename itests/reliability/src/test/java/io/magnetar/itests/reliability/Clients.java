package io.magnetar.itests.reliability;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Blocking loopback clients and process-level resource counts. */
final class Clients {

    static final byte[] SEPARATOR = {'\r', '\n', '\r', '\n'};
    /** Read timeout of every blocking client: a hang fails the test instead of stalling it. */
    static final int SO_TIMEOUT_MS = 20_000;

    private Clients() {}

    static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(SO_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    static byte[] framed(String message) {
        return (message + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one echo message on {@code s} and returns the reply without its separator. */
    static String echo(Socket s, String message) throws IOException {
        byte[] out = framed(message);
        s.getOutputStream().write(out);
        return readEcho(s, out.length);
    }

    static String readEcho(Socket s, int length) throws IOException {
        byte[] back = new byte[length];
        new DataInputStream(s.getInputStream()).readFully(back);
        return new String(back, 0, length - SEPARATOR.length, StandardCharsets.US_ASCII);
    }

    /** One echo on a fresh connection. */
    static String echo(int port, String message) throws IOException {
        try (Socket s = connect(port)) {
            return echo(s, message);
        }
    }

    /**
     * Reads until the server closes: the bytes read, and whether the close was clean (EOF) or a reset.
     * A read timeout propagates: a connection that neither answers nor closes is a hang.
     */
    static Ending readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
            return new Ending(got.toByteArray(), false);
        } catch (SocketException e) { // a reset; a read timeout is no SocketException and propagates
            return new Ending(got.toByteArray(), true);
        }
    }

    /** What a client saw before the server closed. */
    record Ending(byte[] bytes, boolean reset) {
        String text() {
            return new String(bytes, StandardCharsets.US_ASCII);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ending e && Arrays.equals(bytes, e.bytes) && reset == e.reset;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + Boolean.hashCode(reset);
        }
    }

    /** File descriptors this process holds now (Linux). */
    static int openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /** Live threads whose name starts with {@code prefix}. */
    static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }
}
