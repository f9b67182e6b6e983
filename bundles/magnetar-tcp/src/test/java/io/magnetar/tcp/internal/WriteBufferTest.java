package io.magnetar.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBufferTest {

    @Test
    void clearFailsTheFileRegionsStillWaitingAndDropsEverything(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("body"), new byte[100]);
        WriteBuffer buffer = new WriteBuffer();
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            buffer.add(ByteBuffer.allocate(10));
            buffer.addFile(channel, 0, 100, first);
            buffer.addFile(channel, 0, 50, second);

            buffer.clear();
        }

        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.size()).isZero();
        assertThat(first).isCompletedExceptionally();
        assertThat(failure(first))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed before the file was sent");
        assertThat(failure(second)).isSameAs(failure(first));
    }

    private static Throwable failure(CompletableFuture<Long> done) {
        return done.handle((sent, error) -> error).join();
    }

    /** Every closing connection clears its buffer: without a file waiting, that must cost no allocation. */
    @Test
    void clearWithoutFileRegionsAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        long thread = Thread.currentThread().getId();
        WriteBuffer buffer = new WriteBuffer();
        for (int i = 0; i < 20_000; i++) {
            buffer.clear();
        }

        long before = mx.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            buffer.clear();
        }
        long perClear = (mx.getThreadAllocatedBytes(thread) - before) / 10_000;

        assertThat(perClear).as("bytes allocated per clear()").isZero();
    }
}
