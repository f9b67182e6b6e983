package io.magnetar.websocket.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for one connection: negotiation, and compressing and inflating whole
 * messages with context takeover unless a side asked for none. The JDK's Deflater always uses a 32 KiB
 * window, so an offer that limits the server's window ({@code server_max_window_bits} below 15) is
 * declined and the next offer tried; the client's window may be anything (inflating takes any).
 * Inflation is bounded: it stops as soon as the message would exceed the limit (a compression bomb
 * never gets inflated past it). {@link #close} ends the native zlib state, which the GC would not free
 * soon enough (about 300 KB per connection otherwise).
 *
 * <p>Confined to its connection's event loop.
 */
final class PerMessageDeflate {

    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    /** The largest LZ77 window (client_max_window_bits 15): what a peer's next stream may refer back into. */
    private static final int WINDOW = 32 * 1024;

    private final String response;
    private Deflater deflater;
    private Inflater inflater;
    private byte[] chunk = new byte[8192];
    /**
     * Once the peer has ended a message with a final block: the last {@link #WINDOW} bytes it sent, which
     * the next stream starts from; null until then (most peers flush and never end the stream).
     */
    private byte[] history;

    /** Our deflater forgets its window after each message; our inflater does (the peer's deflater will). */
    private final boolean resetDeflater;

    private final boolean resetInflater;

    private PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover, String response) {
        this(serverNoContextTakeover, clientNoContextTakeover, response, false);
    }

    private PerMessageDeflate(
            boolean serverNoContextTakeover, boolean clientNoContextTakeover, String response, boolean client) {
        this.response = response;
        this.resetDeflater = client ? clientNoContextTakeover : serverNoContextTakeover;
        this.resetInflater = client ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /** What a client offers: plain permessage-deflate, so the server may not shrink our window below 15. */
    static final String CLIENT_OFFER = "permessage-deflate";

    /**
     * Client side: the server's {@code Sec-WebSocket-Extensions} answer to {@link #CLIENT_OFFER}, or null
     * when it accepted none; throws when it answered something we did not offer or cannot honour.
     */
    static PerMessageDeflate clientAccepts(String answer) {
        if (answer == null || answer.isBlank()) {
            return null;
        }
        // Relies on split dropping trailing empty parts: an answer ending in ';' stays accepted.
        @SuppressWarnings("StringSplitter")
        String[] parts = answer.split(";");
        if (answer.contains(",") || parts.length == 0 || !parts[0].trim().equalsIgnoreCase("permessage-deflate")) {
            throw new IllegalArgumentException("server answered extensions we did not offer: " + answer);
        }
        boolean serverNo = false;
        boolean clientNo = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.equals("server_no_context_takeover")) {
                serverNo = true;
            } else if (p.equals("client_no_context_takeover")) {
                clientNo = true;
            } else if (p.startsWith("server_max_window_bits")) {
                // the server's own window: inflating takes any
            } else {
                throw new IllegalArgumentException("server answered a parameter we cannot honour: " + p);
            }
        }
        return new PerMessageDeflate(serverNo, clientNo, answer.trim(), true);
    }

    /**
     * The first acceptable permessage-deflate offer of a {@code Sec-WebSocket-Extensions} value, or
     * null when there is none (or it is malformed): then no extension is used.
     */
    static PerMessageDeflate negotiate(List<String> headerValues) {
        for (String header : headerValues) {
            for (String offer : header.split(",", -1)) {
                PerMessageDeflate accepted = accept(offer);
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    private static PerMessageDeflate accept(String offer) {
        // Relies on split dropping trailing empty parts: an offer ending in ';' stays acceptable.
        @SuppressWarnings("StringSplitter")
        String[] parts = offer.split(";");
        if (parts.length == 0 || !parts[0].trim().equalsIgnoreCase("permessage-deflate")) {
            return null;
        }
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = false;
        boolean serverBits = false;
        String clientBits = null;
        List<String> seen = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1).trim().replace("\"", "");
            if (seen.contains(name)) {
                return null; // a parameter twice: an invalid offer (RFC 7692 section 7)
            }
            seen.add(name);
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (value != null) {
                        return null;
                    }
                    serverNoTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    if (value != null) {
                        return null;
                    }
                    clientNoTakeover = true;
                }
                case "server_max_window_bits" -> {
                    Integer bits = bits(value);
                    if (bits == null || bits != 15) {
                        return null; // valid but below what the JDK's deflater can honour, or invalid
                    }
                    serverBits = true;
                }
                case "client_max_window_bits" -> {
                    if (value != null && bits(value) == null) {
                        return null;
                    }
                    clientBits = value == null ? "15" : value;
                }
                default -> {
                    return null; // unknown parameter: decline this offer
                }
            }
        }
        StringBuilder reply = new StringBuilder("permessage-deflate");
        if (serverNoTakeover) {
            reply.append("; server_no_context_takeover");
        }
        if (clientNoTakeover) {
            reply.append("; client_no_context_takeover");
        }
        if (serverBits) {
            reply.append("; server_max_window_bits=15"); // RFC 7692 section 7.1.2.1: accepted by answering it
        }
        if (clientBits != null) {
            reply.append("; client_max_window_bits=").append(clientBits); // only when the client offered it
        }
        return new PerMessageDeflate(serverNoTakeover, clientNoTakeover, reply.toString());
    }

    private static Integer bits(String value) {
        if (value == null
                || value.isEmpty()
                || value.length() > 2
                || !value.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : null;
    }

    /** The {@code Sec-WebSocket-Extensions} value of the response. */
    String response() {
        return response;
    }

    /**
     * Inflates one message's compressed payload {@code in[0, length)} into {@code out}; returns false,
     * having inflated at most {@code max + 1} bytes, when the message is larger than {@code max}.
     */
    boolean inflate(byte[] in, int length, ByteArrayOutputStream out, int max) throws DataFormatException {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        boolean ok =
                inflateFrom(in, length, out, max) && (inflater.finished() || inflateFrom(TAIL, TAIL.length, out, max));
        if (resetInflater) {
            inflater.reset();
        } else if (inflater.finished() || history != null) {
            keepWindow(out);
        }
        return ok;
    }

    /**
     * A message may end its DEFLATE stream with a final block (RFC 7692 section 7.2.3.4); zlib then takes no
     * more input, yet the next message is still to be inflated with this one's window (section 7.2.2). So the
     * inflater starts over with the last 32 KiB of what the peer sent as its dictionary, and from then on that
     * window is kept beside it. A peer whose next stream refers further back than this connection has kept
     * (possible only for the first such message, when it is shorter than the window) gets a 1007, not a
     * wrong message.
     */
    private void keepWindow(ByteArrayOutputStream out) {
        byte[] produced = out.toByteArray();
        int kept = history == null ? 0 : history.length;
        int size = Math.min(WINDOW, kept + produced.length);
        int fromProduced = Math.min(size, produced.length);
        int fromHistory = size - fromProduced;
        byte[] window = new byte[size];
        if (fromHistory > 0) {
            System.arraycopy(history, kept - fromHistory, window, 0, fromHistory);
        }
        System.arraycopy(produced, produced.length - fromProduced, window, fromHistory, fromProduced);
        history = window;
        if (inflater.finished()) {
            inflater.reset();
            if (size > 0) {
                inflater.setDictionary(window);
            }
        }
    }

    private boolean inflateFrom(byte[] in, int length, ByteArrayOutputStream out, int max) throws DataFormatException {
        inflater.setInput(in, 0, length);
        while (!inflater.needsInput()) {
            int room = Math.min(chunk.length, max + 1 - out.size());
            int n = inflater.inflate(chunk, 0, room);
            out.write(chunk, 0, n);
            if (out.size() > max) {
                return false;
            }
            if (n == 0 && (inflater.finished() || inflater.needsDictionary())) {
                break;
            }
        }
        if (inflater.finished() && inflater.getRemaining() > 0) {
            throw new DataFormatException("data after the final DEFLATE block");
        }
        return true;
    }

    /** Compresses a whole message; the returned array holds the frame payload in [0, length of result). */
    byte[] deflate(byte[] in, int from, int length) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.setInput(in, from, length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        if (resetDeflater) {
            deflater.reset();
        }
        byte[] all = out.toByteArray();
        // A sync flush ends in 00 00 FF FF, which RFC 7692 section 7.2.1 says to leave out.
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    /** Frees zlib's native memory; idempotent. */
    void close() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
