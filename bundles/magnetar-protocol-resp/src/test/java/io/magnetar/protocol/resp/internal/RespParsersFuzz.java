package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.magnetar.protocol.resp.RespLimits;
import io.magnetar.protocol.resp.RespProtocolException;
import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RESP both ways. Server: multibulk and inline requests in the chunks the fuzzer picks, on small limits;
 * contract: every reply line starts with a RESP type byte, no reply is an internal error, and the
 * connection's input buffer never passes the command limit. Client: replies parsed by {@link RespParser};
 * contract: a value, {@code INCOMPLETE}, or {@link RespProtocolException}, nothing else.
 */
public class RespParsersFuzz {

    private static final RespServerLimits SMALL = new RespServerLimits(4096, 64, 1024, 8192);

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            server(data);
        } else {
            client(data);
        }
    }

    private static void server(FuzzedDataProvider data) {
        Keyspace keyspace = new Keyspace();
        keyspace.maxMemory(64 * 1024);
        RespServerConnection c = RespServerConnection.create(keyspace, new ServerStats(), SMALL);
        FakeTransport t = new FakeTransport(new ManualLoop(), c, true).connect();
        while (data.remainingBytes() > 0 && !t.isLost()) {
            t.receive(ByteBuffer.wrap(data.consumeBytes(1 + data.consumeInt(0, 300))));
            assertThat(keyspace.inputBudget().held()).isLessThanOrEqualTo(SMALL.maxFrameBytes());
        }
        String out = new String(t.takeOutput(), StandardCharsets.ISO_8859_1);
        assertThat(out).doesNotContain("internal");
        if (!out.isEmpty()) {
            assertThat("+-:$*").contains(out.substring(0, 1));
        }
    }

    private static void client(FuzzedDataProvider data) {
        RespParser parser = new RespParser(new RespLimits(4096, 64, 8, 1024));
        try {
            while (data.remainingBytes() > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(data.consumeBytes(1 + data.consumeInt(0, 300)));
                while (chunk.hasRemaining()) {
                    parser.parse(chunk);
                }
            }
        } catch (RespProtocolException expected) {
            // refused input: the contract
        }
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }
}
