package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLProtocolException;

/**
 * Reads the record layer of incoming TLS bytes before the engine does, and refuses what RFC 8446
 * section 5.1 forbids and the JDK's engine lets pass: zero-length handshake, alert and
 * change_cipher_spec records. A peer sending a stream of them would otherwise hold a connection (and a
 * handshake slot) until the handshake timeout while sending nothing of use. Only record boundaries are
 * visited, not every byte.
 *
 * <p>Confined to its connection's loop.
 */
final class RecordGuard {

    /** A plaintext fatal unexpected_message alert: what a peer gets when refused before any record passed. */
    static final byte[] UNEXPECTED_MESSAGE = {21, 3, 3, 0, 2, 2, 10};

    private static final int HEADER = 5;
    private final byte[] header = new byte[HEADER];
    private int headerHave;
    private int bodyLeft;
    private boolean sawRecord;

    /** Checks {@code data}'s remaining bytes (its position is left alone). */
    void check(ByteBuffer data) throws SSLProtocolException {
        int i = data.position();
        int end = data.limit();
        while (i < end) {
            if (bodyLeft > 0) {
                int n = Math.min(bodyLeft, end - i);
                bodyLeft -= n;
                i += n;
                continue;
            }
            header[headerHave++] = data.get(i++);
            if (headerHave == HEADER) {
                headerHave = 0;
                int type = header[0] & 0xff;
                int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                if (length == 0 && type >= 20 && type <= 22) {
                    throw new SSLProtocolException(
                            "zero-length " + name(type) + " record, forbidden by RFC 8446 section 5.1");
                }
                bodyLeft = length;
                sawRecord |= length > 0;
            }
        }
    }

    /** True until a record with content has passed: a refusal then can still be told in plaintext. */
    boolean beforeFirstRecord() {
        return !sawRecord;
    }

    private static String name(int type) {
        return switch (type) {
            case 20 -> "change_cipher_spec";
            case 21 -> "alert";
            default -> "handshake";
        };
    }
}
