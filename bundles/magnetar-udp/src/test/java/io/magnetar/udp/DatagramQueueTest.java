package io.magnetar.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.udp.internal.DatagramQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DatagramQueue} alone: order, size accounting, failures, a full socket. */
class DatagramQueueTest {

    private static final SocketAddress TO = new InetSocketAddress("127.0.0.1", 9);

    private final DatagramQueue queue = new DatagramQueue();
    private final List<Integer> sent = new ArrayList<>();
    private final List<Exception> failed = new ArrayList<>();

    private static ByteBuffer datagram(int id, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 1));
        b.put(0, (byte) id);
        return b.limit(size);
    }

    @Test
    void countsEveryDatagramWithItsHeaderEvenWhenEmpty() {
        queue.add(datagram(0, 100), TO);
        queue.add(datagram(1, 0), TO);

        assertThat(queue.size()).isEqualTo(100 + 2 * DatagramQueue.HEADER);
        assertThat(queue.count()).isEqualTo(2);
    }

    @Test
    void flushSendsInOrderUntilTheSocketIsFullAndKeepsTheRest() {
        for (int i = 0; i < 5; i++) {
            queue.add(datagram(i, 10), TO);
        }

        int n = queue.flush(
                (data, to) -> {
                    if (sent.size() == 3) {
                        return false;
                    }
                    sent.add((int) data.get(0));
                    return true;
                },
                (e, d) -> failed.add(e));

        assertThat(n).isEqualTo(3);
        assertThat(sent).containsExactly(0, 1, 2);
        assertThat(queue.count()).isEqualTo(2);
        assertThat(queue.size()).isEqualTo(2 * (10 + DatagramQueue.HEADER));
    }

    @Test
    void aFailedDatagramIsDroppedAndReportedAndTheRestGo() {
        for (int i = 0; i < 3; i++) {
            queue.add(datagram(i, 10), TO);
        }

        int n = queue.flush(
                (data, to) -> {
                    if (data.get(0) == 1) {
                        throw new IOException("no route");
                    }
                    sent.add((int) data.get(0));
                    return true;
                },
                (e, d) -> failed.add(e));

        assertThat(n).isEqualTo(2);
        assertThat(sent).containsExactly(0, 2);
        assertThat(failed).extracting(Exception::getMessage).containsExactly("no route");
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.size()).isZero();
    }

    @Test
    void aFailureHandlerThatClearsTheQueueEndsTheFlush() {
        for (int i = 0; i < 3; i++) {
            queue.add(datagram(i, 10), TO);
        }

        int n = queue.flush(
                (data, to) -> {
                    throw new IOException("closed");
                },
                (e, d) -> {
                    failed.add(e);
                    queue.clear();
                });

        assertThat(n).isZero();
        assertThat(failed).hasSize(1);
        assertThat(queue.size()).isZero();
    }
}
