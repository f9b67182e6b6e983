package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The output buffer a connection borrows from its loop thread while it answers, and gives back. */
class ResponseWriterTest {

    private final ManualLoop loop = new ManualLoop();

    private static List<RawResponse> responses(FakeTransport t) throws Exception {
        return RawResponse.readAll(t.takeText());
    }

    private ResponseWriter writer(FakeTransport transport) {
        ResponseWriter w = new ResponseWriter();
        w.attach(transport);
        return w;
    }

    private FakeTransport transport() {
        return new FakeTransport(loop, HttpServerConsumer.newConnection()).connect();
    }

    @Test
    void anAnsweredConnectionKeepsNoOutputBuffer() throws Exception {
        HttpConnection connection = HttpConnection.create(Router.defaults(), HttpLimits.defaults());
        FakeTransport transport = new FakeTransport(loop, connection).connect();

        transport.receive("GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n".repeat(3));

        assertThat(responses(transport)).extracting(RawResponse::body).containsOnly("Hello, World!");
        assertThat(transport.writes()).isEqualTo(1);
        assertThat(connection.writer().holdsBuffer()).isFalse();
    }

    @Test
    void aConnectionAnsweringInsideAnothersAnswerSendsOnlyItsOwnResponse() throws Exception {
        FakeTransport first = transport();
        FakeTransport second = transport();
        ResponseWriter a = writer(first);
        ResponseWriter b = writer(second);

        a.add(HttpResponse.text(200, "first"), false, false, false, loop.time());
        b.add(HttpResponse.text(200, "second"), false, false, false, loop.time());

        assertThat(a.holdsLoopBuffer()).isTrue();
        assertThat(b.holdsLoopBuffer()).as("the loop's second buffer").isTrue();
        b.flush();
        a.flush();
        assertThat(responses(second)).extracting(RawResponse::body).containsExactly("second");
        assertThat(responses(first)).extracting(RawResponse::body).containsExactly("first");
        assertThat(a.holdsBuffer()).isFalse();
        assertThat(b.holdsBuffer()).isFalse();
    }

    @Test
    void aWriterReleasedBeforeItsFlushSendsNothingAndGivesTheLoopBufferBack() throws Exception {
        FakeTransport gone = transport();
        FakeTransport next = transport();
        ResponseWriter a = writer(gone);
        ResponseWriter b = writer(next);
        a.add(HttpResponse.text(200, "never sent"), false, false, false, loop.time());

        a.release(); // the connection was lost with its output pending
        b.add(HttpResponse.text(200, "next"), false, false, false, loop.time());

        assertThat(b.holdsLoopBuffer()).isTrue();
        b.flush();
        assertThat(gone.takeText()).isEmpty();
        assertThat(responses(next)).extracting(RawResponse::body).containsExactly("next");
    }
}
