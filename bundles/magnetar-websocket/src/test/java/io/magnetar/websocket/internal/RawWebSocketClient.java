package io.magnetar.websocket.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** A WebSocket client on a plain socket that writes any frame, valid or not, and reads raw frames. */
final class RawWebSocketClient implements AutoCloseable {

    record Frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    final Socket socket;
    final String responseHead;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocketClient(Socket socket, String responseHead) throws IOException {
        this.socket = socket;
        this.responseHead = responseHead;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawWebSocketClient connect(int port, String path, String extraHeaders) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = s.getInputStream().read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return new RawWebSocketClient(s, head.toString());
    }

    /** Writes one frame: FIN, RSV bits as given (bit 6 = RSV1), opcode, masked unless {@code masked} is false. */
    void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(mask | payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(mask | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        } else {
            f.write(mask | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >> (8 * i)));
            }
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        if (masked) {
            f.write(key);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        }
        out.write(f.toByteArray());
    }

    void sendText(String text) throws IOException {
        send(true, 0, 0x1, text.getBytes(StandardCharsets.UTF_8), true);
    }

    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0F, payload);
    }

    /** Reads frames until a close frame; returns its code. */
    int readUntilClose() throws IOException {
        for (; ; ) {
            Frame f = read();
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
        }
    }

    /** True when the server closed the TCP connection (EOF) after what was read. */
    boolean eof() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
