package io.magnetar.protocols.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.Protocol;
import io.magnetar.api.StreamTransport;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingOutputTest {

    private final ManualLoop loop = new ManualLoop();

    /** The transports here are only written to. */
    private static final class Silent implements Protocol {
        @Override
        public void connectionMade(StreamTransport transport) {}

        @Override
        public void connectionLost(Throwable cause) {}

        @Override
        public void dataReceived(ByteBuffer data) {}
    }

    private FakeTransport transport(boolean record) {
        return new FakeTransport(loop, new Silent(), record);
    }

    private static PendingOutput output(FakeTransport t) {
        PendingOutput o = new PendingOutput();
        o.attach(t);
        return o;
    }

    private static void put(PendingOutput o, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        o.reserve(b.length).put(b);
    }

    @Test
    void whatIsPutLeavesInOneWriteAtTheFlushAndTheBufferGoesBack() {
        FakeTransport t = transport(true);
        PendingOutput o = output(t);
        put(o, "one ");
        put(o, "two");

        assertThat(o.pending()).isEqualTo(7);
        assertThat(o.holdsSharedBuffer()).isTrue();
        assertThat(o.flush()).isTrue();

        assertThat(t.takeText()).isEqualTo("one two");
        assertThat(t.writes()).isEqualTo(1);
        assertThat(o.holdsBuffer()).isFalse();
        assertThat(o.flush()).as("nothing pending").isFalse();
    }

    @Test
    void aReserveTheBufferHasNoRoomForFlushesWhatCameBeforeFirst() {
        FakeTransport t = transport(true);
        PendingOutput o = output(t);
        put(o, "a".repeat(PendingOutput.SHARED_CAPACITY - 2));

        put(o, "bcd");

        assertThat(t.writes()).isEqualTo(1);
        assertThat(o.flush()).isTrue();
        assertThat(t.takeText()).isEqualTo("a".repeat(PendingOutput.SHARED_CAPACITY - 2) + "bcd");
    }

    @Test
    void connectionsWritingAtOnceEachGetABufferAndOnlyTheirOwnBytes() {
        List<FakeTransport> transports = new ArrayList<>();
        List<PendingOutput> outputs = new ArrayList<>();
        for (int i = 0; i <= PendingOutput.SHARED_PER_THREAD; i++) {
            FakeTransport t = transport(true);
            transports.add(t);
            outputs.add(output(t));
            put(outputs.get(i), "reply " + i);
        }

        for (int i = 0; i < PendingOutput.SHARED_PER_THREAD; i++) {
            assertThat(outputs.get(i).holdsSharedBuffer()).as("writer %d", i).isTrue();
        }
        PendingOutput last = outputs.get(PendingOutput.SHARED_PER_THREAD);
        assertThat(last.holdsSharedBuffer())
                .as("all shared ones lent: one of its own")
                .isFalse();
        for (int i = outputs.size() - 1; i >= 0; i--) {
            outputs.get(i).flush();
        }
        for (int i = 0; i < transports.size(); i++) {
            assertThat(transports.get(i).takeText()).isEqualTo("reply " + i);
        }
        put(last, "again");
        assertThat(last.holdsSharedBuffer()).as("the shared ones are back").isTrue();
        last.flush();
    }

    @Test
    void releaseDropsWhatIsPendingAndGivesTheBufferBack() {
        FakeTransport gone = transport(true);
        PendingOutput o = output(gone);
        put(o, "never sent");

        o.release();

        assertThat(o.holdsBuffer()).isFalse();
        assertThat(o.flush()).isFalse();
        assertThat(gone.takeText()).isEmpty();
    }

    @Test
    void moreThanASharedBufferHoldsGetsOneOfItsOwn() {
        FakeTransport t = transport(true);
        PendingOutput o = output(t);

        put(o, "x".repeat(PendingOutput.SHARED_CAPACITY + 1));

        assertThat(o.holdsSharedBuffer()).isFalse();
        o.flush();
        assertThat(t.takeText()).hasSize(PendingOutput.SHARED_CAPACITY + 1);
    }

    @Test
    void putAndFlushAllocateNothingOnceWarm() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        long thread = Thread.currentThread().getId();
        PendingOutput o = output(transport(false));
        byte[] reply = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20_000; i++) {
            o.reserve(reply.length).put(reply);
            o.flush();
        }

        long before = mx.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            o.reserve(reply.length).put(reply);
            o.flush();
        }
        long perReply = (mx.getThreadAllocatedBytes(thread) - before) / 10_000;

        assertThat(perReply).as("bytes allocated per reply and flush").isZero();
    }
}
