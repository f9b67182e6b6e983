package io.magnetar.protocols;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Test consumer: one exchange per '\n'-terminated line. On the server side (no request) it answers
 * each line with {@code reply(line) + '\n'}; on the client side {@code start(line)} writes the line and
 * the exchange finishes with the next line read. The exchange result is the line without '\n'.
 *
 * <p>Server commands: {@code upgrade} (answered, then later exchanges uppercase), {@code HALT} (stops
 * consuming: the exchange never finishes and leaves every later byte unconsumed), {@code BYE n}
 * (writes {@code n} bytes, closes the connection, and neither finishes nor reads on).
 */
class LineConsumer extends ProtocolConsumer {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final UnaryOperator<String> reply;
    private boolean halted;
    /** Opts into reuse by the connection. */
    boolean recyclable;

    /** A server consumer echoing each line. */
    LineConsumer() {
        this(UnaryOperator.identity());
    }

    LineConsumer(UnaryOperator<String> reply) {
        this.reply = reply;
    }

    static LineConsumer upper() {
        return new LineConsumer(s -> s.toUpperCase(Locale.ROOT));
    }

    @Override
    protected void startRequest() {
        Object r = request();
        if (r == null) {
            return; // server side: started by its first bytes
        }
        if (!(r instanceof String s)) {
            throw new IllegalArgumentException("a line request must be a String, got " + r);
        }
        write(ByteBuffer.wrap((s + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected void dataReceived(ByteBuffer data) {
        if (halted) {
            return;
        }
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (request() == null && serve(text)) {
                return;
            }
            finished(text);
            return;
        }
    }

    @Override
    protected boolean recycle() {
        if (!recyclable) {
            return false;
        }
        line.reset();
        return true;
    }

    /** Server side: answers {@code text}; true when the exchange must not finish. */
    private boolean serve(String text) {
        if (text.equals("HALT")) {
            halted = true;
            return true;
        }
        if (text.startsWith("BYE ")) {
            byte[] big = new byte[Integer.parseInt(text.substring(4))];
            Arrays.fill(big, (byte) 'z');
            write(ByteBuffer.wrap(big));
            connection().close();
            return true;
        }
        if (text.equals("upgrade")) {
            connection().upgrade(LineConsumer::upper);
        }
        write(ByteBuffer.wrap((reply.apply(text) + "\n").getBytes(StandardCharsets.UTF_8)));
        return false;
    }
}
