package io.magnetar.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.tls.TestPki;
import io.magnetar.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SslPipeTest {

    private static final int MAX_RECORD = 16 * 1024 + 256 + 5;

    private static PipePair pair(String protocol) {
        Map<String, Object> server = TestPki.get().serverProperties(TestPki.get().serverKeys);
        server.put(TlsSettings.PROTOCOLS, protocol);
        Map<String, Object> client = TestPki.get().clientProperties();
        client.put(TlsSettings.PROTOCOLS, protocol);
        SSLEngine serverEngine = TlsSettings.from(server).newServerEngine();
        SSLEngine clientEngine =
                TlsSettings.from(client).newClientEngine(InetSocketAddress.createUnresolved("localhost", 443));
        return new PipePair(clientEngine, serverEngine);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void completesTheHandshakeInMemory(String protocol) throws Exception {
        PipePair p = pair(protocol).handshake();

        assertThat(p.client.handshakes).isEqualTo(1);
        assertThat(p.server.handshakes).isEqualTo(1);
        assertThat(p.client.pipe.session().getProtocol()).isEqualTo(protocol);
        assertThat(p.server.pipe.session().getProtocol()).isEqualTo(protocol);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void carriesDataBothWays(String protocol) throws Exception {
        PipePair p = pair(protocol).handshake();

        p.client.pipe.send(ascii("ping"), ascii(" from client"));
        p.server.pipe.send(ascii("pong"));
        p.pump();

        assertThat(p.server.app.toString(StandardCharsets.US_ASCII)).isEqualTo("ping from client");
        assertThat(p.client.app.toString(StandardCharsets.US_ASCII)).isEqualTo("pong");
    }

    @Test
    void splitsALargeWriteIntoRecordsWithoutLosingAByte() throws Exception {
        PipePair p = pair("TLSv1.3").handshake();
        p.client.resetWire();
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(8).nextBytes(payload);

        p.client.pipe.send(ByteBuffer.wrap(payload));
        p.pump();

        assertThat(Arrays.mismatch(p.server.app.toByteArray(), payload))
                .as("first differing byte")
                .isEqualTo(-1);
        List<Integer> records = recordLengths(p.client.wire.toByteArray());
        assertThat(records).hasSizeGreaterThanOrEqualTo(payload.length / (16 * 1024));
        assertThat(records).allSatisfy(length -> assertThat(length + 5).isLessThanOrEqualTo(MAX_RECORD));
        // Records are encrypted into large chunks: far fewer hand-offs than records.
        assertThat(p.client.handOffs).isLessThan(records.size() / 4);
    }

    @Test
    void reassemblesRecordsThatArriveAByteAtATimeOrInOddSlices() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.pipe.start();
        p.client.pipe.start();
        p.pump(n -> 1);
        byte[] payload = new byte[100_000];
        new Random(1).nextBytes(payload);
        Random sizes = new Random(2);

        p.client.pipe.send(ByteBuffer.wrap(payload));
        p.pump(n -> 1 + sizes.nextInt(7000));

        assertThat(p.server.app.toByteArray()).isEqualTo(payload);
    }

    @Test
    void keepsCiphertextWhilePausedAndDeliversItInOrderOnResume() throws Exception {
        PipePair p = pair("TLSv1.3").handshake();
        byte[] payload = new byte[200_000];
        new Random(3).nextBytes(payload);
        p.server.pipe.setPaused(true);

        p.client.pipe.send(ByteBuffer.wrap(payload));
        p.pump(n -> 10_000);
        assertThat(p.server.app.size()).isZero();
        assertThat(p.server.pipe.hasPendingInput()).isTrue();

        p.server.pipe.setPaused(false);
        p.server.pipe.receive(ByteBuffer.allocate(0));
        assertThat(p.server.app.toByteArray()).isEqualTo(payload);
        assertThat(p.server.pipe.hasPendingInput()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void sendsAndHonoursCloseNotifyFromEitherSide(String protocol) throws Exception {
        PipePair p = pair(protocol).handshake();
        p.client.pipe.send(ascii("last words"));

        p.client.pipe.shutdown();
        p.pump();

        assertThat(p.server.app.toString(StandardCharsets.US_ASCII)).isEqualTo("last words");
        assertThat(p.server.closeNotifies).isEqualTo(1);
        assertThat(p.client.pipe.isOutboundClosed()).isTrue();
        assertThatThrownBy(() -> p.client.pipe.send(ascii("too late"))).isInstanceOf(SSLException.class);
        if (protocol.equals("TLSv1.3")) {
            // TLS 1.3 close is a half-close: the other side may still answer.
            p.server.pipe.send(ascii("answer"));
            p.server.pipe.shutdown();
            p.pump();
            assertThat(p.client.app.toString(StandardCharsets.US_ASCII)).isEqualTo("answer");
        } else {
            // TLS 1.2: the engine answers close_notify with close_notify on its own.
            assertThat(p.server.pipe.isOutboundClosed()).isTrue();
        }
        assertThat(p.client.closeNotifies).isEqualTo(1);
    }

    @Test
    void failsOnGarbageWithAnSslException() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.pipe.start();
        byte[] garbage = new byte[512];
        new Random(4).nextBytes(garbage);
        garbage[0] = 0x7f; // not a TLS content type, whatever the seed gives

        assertThatThrownBy(() -> p.server.pipe.receive(ByteBuffer.wrap(garbage)))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void failsOnPlaintextHttpWithAnSslException() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.pipe.start();

        assertThatThrownBy(() -> p.server.pipe.receive(ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void queuesAnAlertForThePeerAfterAFailure() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.pipe.start();
        try {
            p.server.pipe.receive(ascii("GET / HTTP/1.1\r\n\r\n"));
        } catch (SSLException expected) {
            p.server.pipe.flushAlert();
        }

        byte[] wire = p.server.wire.toByteArray();
        assertThat(wire).isNotEmpty();
        assertThat(wire[0]).as("record type: alert").isEqualTo((byte) 21);
    }

    @Test
    void refusesRenegotiationOnTls12() throws Exception {
        PipePair p = pair("TLSv1.2").handshake();
        SSLEngine client = p.client.pipe.engine();
        client.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();

        assertThatThrownBy(() -> p.server.pipe.receive(hello))
                .isInstanceOf(SSLException.class)
                .hasMessageMatching("(?s).*[Rr]enegotiation (refused|is not allowed).*");
    }

    @Test
    void acceptsKeyUpdatesOnTls13() throws Exception {
        PipePair p = pair("TLSv1.3").handshake();
        // On a TLS 1.3 session beginHandshake() sends a KeyUpdate, which is not a renegotiation.
        p.client.pipe.engine().beginHandshake();
        p.client.pipe.send(ascii("after key update"));
        p.pump();
        p.server.pipe.send(ascii("still here"));
        p.pump();

        assertThat(p.server.app.toString(StandardCharsets.US_ASCII)).isEqualTo("after key update");
        assertThat(p.client.app.toString(StandardCharsets.US_ASCII)).isEqualTo("still here");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handsTheHandshakeTasksOutAndGoesOnOnlyWhenTheyComplete(String protocol) throws Exception {
        PipePair p = pair(protocol);
        p.server.offload = true;
        p.client.offload = true;
        p.server.pipe.start();
        p.client.pipe.start();

        p.pump(); // the ClientHello reaches the server
        assertThat(p.server.offloaded)
                .as("the server's work on the ClientHello")
                .hasSize(1);
        assertThat(p.server.pipe.isRunningTasks()).isTrue();
        assertThat(p.server.toNetwork).as("no ServerHello before the tasks ran").isEmpty();

        p.server.runOffloaded();
        p.pump(); // the server's flight reaches the client: its first message is handed out, the rest kept
        assertThat(p.client.offloaded).hasSize(1);
        if (protocol.equals("TLSv1.3")) {
            // TLS 1.3 sends each message of the flight in a record of its own (1.2 packs them in one)
            assertThat(p.client.pipe.hasPendingInput())
                    .as("the rest of the flight, kept")
                    .isTrue();
        }
        assertThat(p.client.handshakes).isZero();

        settle(p);
        assertThat(p.client.handshakes).isEqualTo(1);
        assertThat(p.server.handshakes).isEqualTo(1);
        p.client.pipe.send(ascii("after offloaded tasks"));
        p.server.pipe.send(ascii("likewise"));
        p.pump();
        assertThat(p.server.app.toString(StandardCharsets.US_ASCII)).isEqualTo("after offloaded tasks");
        assertThat(p.client.app.toString(StandardCharsets.US_ASCII)).isEqualTo("likewise");
    }

    @Test
    void keepsRecordsArrivingAByteAtATimeWhileTasksRun() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.offload = true;
        p.client.offload = true;
        p.server.pipe.start();
        p.client.pipe.start();

        settle(p, n -> 1);

        assertThat(p.client.handshakes).isEqualTo(1);
        assertThat(p.server.handshakes).isEqualTo(1);
        p.client.pipe.send(ascii("sliced"));
        p.pump(n -> 1);
        assertThat(p.server.app.toString(StandardCharsets.US_ASCII)).isEqualTo("sliced");
    }

    @Test
    void aPipeStoppedWhileItsTasksRunIgnoresTheirCompletion() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.offload = true;
        p.server.pipe.start();
        p.client.pipe.start();
        p.pump();
        assertThat(p.server.pipe.isRunningTasks()).isTrue();

        p.server.pipe.stop(); // the connection closed, failed or timed out meanwhile
        p.server.runOffloaded();

        assertThat(p.server.pipe.isRunningTasks()).isFalse();
        assertThat(p.server.toNetwork).as("nothing written for a stopped pipe").isEmpty();
        assertThat(p.server.handshakes).isZero();
    }

    @Test
    void runsTheTasksAtOnceWhenThePeerDoesNotTakeThem() throws Exception {
        PipePair p = pair("TLSv1.3");
        p.server.pipe.start();
        p.client.pipe.start();

        p.pump();

        assertThat(p.server.pipe.isRunningTasks()).isFalse();
        assertThat(p.server.handshakes).isEqualTo(1);
        assertThat(p.client.handshakes).isEqualTo(1);
    }

    /** Pumps and runs handed-out tasks until neither side has records or tasks left. */
    private static void settle(PipePair p) throws SSLException {
        settle(p, n -> n);
    }

    private static void settle(PipePair p, IntUnaryOperator slice) throws SSLException {
        p.pump(slice);
        while (!p.server.offloaded.isEmpty() || !p.client.offloaded.isEmpty()) {
            p.server.runOffloaded();
            p.client.runOffloaded();
            p.pump(slice);
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Lengths of the TLS records in {@code wire} (RFC 8446 5.1: type, version, 16-bit length). */
    private static List<Integer> recordLengths(byte[] wire) {
        List<Integer> lengths = new ArrayList<>();
        int i = 0;
        while (i + 5 <= wire.length) {
            int length = ((wire[i + 3] & 0xff) << 8) | (wire[i + 4] & 0xff);
            lengths.add(length);
            i += 5 + length;
        }
        assertThat(i).as("records end exactly at the end of the stream").isEqualTo(wire.length);
        return lengths;
    }
}
