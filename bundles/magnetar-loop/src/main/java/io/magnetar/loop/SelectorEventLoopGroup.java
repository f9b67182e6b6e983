package io.magnetar.loop;

import io.magnetar.api.EventLoop;
import io.magnetar.api.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed group of {@link SelectorEventLoop}s named {@code <prefix>-0 … <prefix>-(n-1)}; connections
 * are spread round-robin.
 *
 * <p>Thread-safe.
 */
public final class SelectorEventLoopGroup implements EventLoopGroup {

    private final List<EventLoop> loops;
    private final AtomicInteger nextIndex = new AtomicInteger();

    /** A group of one loop per available processor, threads named {@code magnetar-loop-N}. */
    public SelectorEventLoopGroup() {
        this(Runtime.getRuntime().availableProcessors(), "magnetar-loop");
    }

    /** A group of {@code size} loops with threads named {@code <prefix>-N}. */
    public SelectorEventLoopGroup(int size, String prefix) {
        if (size < 1) {
            throw new IllegalArgumentException("an event loop group needs at least one loop: " + size);
        }
        List<EventLoop> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(new SelectorEventLoop(prefix + "-" + i));
        }
        this.loops = List.copyOf(list);
    }

    @Override
    public EventLoop next() {
        return loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
    }

    @Override
    public List<EventLoop> loops() {
        return loops;
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.allOf(loops.stream().map(EventLoop::close).toArray(CompletableFuture[]::new));
    }
}
