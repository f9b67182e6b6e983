package io.magnetar.bench.load;

import io.magnetar.bench.servers.Args;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Closed-loop WebSocket echo load: {@link EchoLoad}'s loop after an opening handshake on each connection
 * ({@code GET /ws/echo}), with masked binary frames of {@code --size} payload bytes (at most 125) and
 * their unmasked echoes. Same options and {@code RESULT} line as {@link EchoLoad}.
 */
public final class WebSocketLoad {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.get("host", "127.0.0.1");
        int port = args.getInt("port", 7007);
        int connections = args.getInt("connections", 1);
        int inflight = args.getInt("inflight", 1);
        int payload = args.getInt("size", 64);
        double seconds = Double.parseDouble(args.get("seconds", "5"));
        double warmup = Double.parseDouble(args.get("warmup", "1"));
        // A masked binary frame from the client (RFC 6455 5.2), its unmasked echo from the server.
        byte[] message = new byte[2 + 4 + payload];
        message[0] = (byte) 0x82;
        message[1] = (byte) (0x80 | payload);
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        System.arraycopy(mask, 0, message, 2, 4);
        for (int i = 0; i < payload; i++) {
            message[6 + i] = (byte) ('x' ^ mask[i & 3]);
        }
        EchoLoad.run(
                host,
                port,
                connections,
                inflight,
                message,
                2 + payload,
                seconds,
                warmup,
                ch -> handshake(ch, host, port));
    }

    /** The opening handshake, blocking, before the load starts. */
    private static void handshake(SocketChannel ch, String host, int port) throws IOException {
        String request = "GET /ws/echo HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) one.get(0));
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }
}
