package io.magnetar.tls.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.magnetar.tls.TestPki;
import io.magnetar.tls.TlsSettings;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;

/**
 * The TLS record path of a server (the record guard, then the JDK engine behind {@link SslPipe}) fed what a
 * hostile client sends, in chunks. Contract: bytes are either taken or refused with an
 * {@link SSLException} (the connection then closes); nothing else escapes, and no application data
 * appears without a handshake.
 */
public class TlsRecordFuzz {

    private static final TlsSettings SERVER =
            TlsSettings.from(TestPki.get().serverProperties(TestPki.get().serverKeys));

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        PipePair.Side server = new PipePair.Side(SERVER.newServerEngine());
        try {
            server.pipe.start();
            while (data.remainingBytes() > 0) {
                server.pipe.receive(ByteBuffer.wrap(data.consumeBytes(1 + data.consumeInt(0, 400))));
            }
        } catch (SSLException refused) {
            server.pipe.flushAlert();
        }
        if (server.handshakes == 0 && server.app.size() > 0) {
            throw new AssertionError("application data before a handshake");
        }
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
