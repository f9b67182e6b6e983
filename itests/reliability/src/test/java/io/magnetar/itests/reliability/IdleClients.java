package io.magnetar.itests.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of {@link IdleConnectionsIT}, run in a process of its own so that the server's heap
 * and file descriptors are measured without the clients': {@code IdleClients <port> <count>} opens
 * {@code count} connections and prints {@code CONNECTED}; on the line {@code ECHO} it sends one message
 * on each, reads every reply and prints {@code ANSWERED <n>}; it exits when stdin ends.
 */
public final class IdleClients {

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        int count = Integer.parseInt(args[1]);
        List<SocketChannel> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sockets.add(SocketChannel.open(server)); // blocking connect: done once the server's kernel accepted
        }
        System.out.println("CONNECTED " + sockets.size());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.equals("ECHO")) {
                System.out.println("ANSWERED " + echoOnEach(sockets));
            }
        }
        for (SocketChannel s : sockets) {
            s.close();
        }
    }

    /** Writes one message on every connection first, then reads every reply: all are in flight at once. */
    private static int echoOnEach(List<SocketChannel> sockets) throws Exception {
        for (int i = 0; i < sockets.size(); i++) {
            ByteBuffer out = ByteBuffer.wrap(("idle " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                sockets.get(i).write(out);
            }
        }
        int answered = 0;
        for (int i = 0; i < sockets.size(); i++) {
            byte[] expected = ("idle " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer in = ByteBuffer.allocate(expected.length);
            while (in.hasRemaining()) {
                if (sockets.get(i).read(in) < 0) {
                    break;
                }
            }
            if (!in.hasRemaining() && in.flip().equals(ByteBuffer.wrap(expected))) {
                answered++;
            }
        }
        return answered;
    }
}
