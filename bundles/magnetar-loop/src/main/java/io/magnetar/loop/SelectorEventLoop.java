package io.magnetar.loop;

import io.magnetar.api.EventLoop;
import io.magnetar.api.TimerHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An event loop on one thread and one NIO {@link Selector}: I/O readiness, queued tasks, timers.
 *
 * <p>Thread-safe for the {@link EventLoop} methods; {@link #register} and {@link #readBuffer()}
 * must be called on the loop thread.
 */
public final class SelectorEventLoop implements EventLoop {

    private static final System.Logger LOG = System.getLogger(SelectorEventLoop.class.getName());
    /** Size of the shared read buffer: one socket read never delivers more than this. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;
    /** Selects failing in a row after which the loop gives up and closes. */
    static final int MAX_FAILED_SELECTS = 16;
    /** Upper bound of tasks run per iteration, so that I/O is not starved by a task storm. */
    private static final int MAX_TASKS_PER_ITERATION = 4096;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private volatile boolean closeRequested;
    private volatile boolean acceptsTasks = true;
    /** Metrics: written by the loop thread only, read by scrapes from any thread (a moment old at most). */
    private long selects;

    private long tasksRun;
    private long busyNanos;

    /** Opens a selector and starts the loop thread named {@code name}. */
    public SelectorEventLoop(String name) {
        this(name, open(name));
    }

    /** Starts the loop thread named {@code name} on {@code selector} (tests give one that fails). */
    SelectorEventLoop(String name, Selector selector) {
        this.selector = selector;
        this.thread = new Thread(this::run, name);
        thread.start();
    }

    private static Selector open(String name) {
        try {
            return Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
    }

    /** Selects made, failed ones included (loop iterations). Any thread; for metrics. @since 1.1 */
    public long selects() {
        return selects;
    }

    /** Tasks and timers run. Any thread; for metrics. @since 1.1 */
    public long tasksRun() {
        return tasksRun;
    }

    /** Nanoseconds spent outside select (handling I/O, tasks, timers). Any thread; for metrics. @since 1.1 */
    public long busyNanos() {
        return busyNanos;
    }

    /** The loop thread's name. */
    public String name() {
        return thread.getName();
    }

    @Override
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        // Other threads are refused from close() on; the loop thread itself may still queue work while
        // it shuts down (the connectionLost callbacks of the channels it aborts).
        boolean onLoop = inEventLoop();
        if (!acceptsTasks || (closeRequested && !onLoop)) {
            throw rejected();
        }
        tasks.add(task);
        if (onLoop) {
            return;
        }
        if (closeRequested && tasks.remove(task)) {
            // close() raced with this call and the shutdown may have drained the queue already.
            throw rejected();
        }
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("event loop " + name() + " is closed");
    }

    @Override
    public TimerHandle callSoon(Runnable task) {
        ScheduledTask t = new ScheduledTask(0, sequence.incrementAndGet(), task);
        execute(t);
        return t;
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable task) {
        return callAt(time() + Math.max(0, delay.toNanos()), task);
    }

    @Override
    public TimerHandle callAt(long deadlineNanos, Runnable task) {
        ScheduledTask t = new ScheduledTask(deadlineNanos, sequence.incrementAndGet(), task);
        if (inEventLoop()) {
            timers.add(t);
        } else {
            execute(() -> timers.add(t));
        }
        return t;
    }

    @Override
    public long time() {
        return System.nanoTime();
    }

    @Override
    public boolean isClosed() {
        return closeRequested;
    }

    @Override
    public CompletableFuture<Void> close() {
        closeRequested = true;
        selector.wakeup();
        return terminated;
    }

    /** Completes when the loop thread has ended; does not request the close. */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    /**
     * Registers {@code channel} for {@code ops} with {@code handler} as attachment. Loop thread only.
     */
    public SelectionKey register(SelectableChannel channel, int ops, ChannelHandler handler)
            throws ClosedChannelException {
        assert inEventLoop() : "register off the loop thread";
        return channel.register(selector, ops, handler);
    }

    /**
     * Lets the selector forget cancelled keys now, so that channels closed on this loop release their
     * file descriptor (and a listening port) before the next iteration. Loop thread only.
     */
    public void purgeCancelledKeys() {
        assert inEventLoop();
        try {
            // Level-triggered: readiness dropped here is reported again by the next select.
            selector.selectNow(key -> {});
        } catch (IOException e) {
            LOG.log(Level.WARNING, "selectNow failed on " + name(), e);
        }
    }

    /**
     * The loop's reusable direct read buffer. Loop thread only; its content is valid until the
     * next read on this loop.
     */
    public ByteBuffer readBuffer() {
        assert inEventLoop();
        return readBuffer;
    }

    /** Number of channels currently registered (for tests and {@code info}). Loop thread only. */
    public int registeredChannels() {
        assert inEventLoop();
        // A cancelled key stays in the key set until the next select: it is not a registered channel.
        int n = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                n++;
            }
        }
        return n;
    }

    private void run() {
        try {
            long busySince = System.nanoTime();
            int failedSelects = 0;
            while (!closeRequested) {
                busyNanos += System.nanoTime() - busySince;
                try {
                    select();
                    failedSelects = 0;
                } catch (ClosedSelectorException e) {
                    throw e;
                } catch (IOException | RuntimeException | Error e) {
                    // An OutOfMemoryError or a failed epoll_wait may pass; the connections, tasks and timers
                    // on this loop go on. A selector that fails every time cannot serve: then the loop ends.
                    if (++failedSelects >= MAX_FAILED_SELECTS) {
                        throw e;
                    }
                    if (failedSelects == 1) {
                        log(Level.ERROR, "select failed on " + name() + "; the loop goes on", e);
                    } else {
                        log(
                                Level.ERROR,
                                "select failed again on " + name() + " (" + failedSelects + " in a row): " + e,
                                null);
                    }
                }
                selects++;
                busySince = System.nanoTime();
                if (Thread.interrupted()) {
                    // Only close() ends the loop. A pending interrupt makes every later select return
                    // at once, so a flag left set would turn the loop into a busy spin: consume it.
                    LOG.log(Level.DEBUG, "event loop {0} interrupted; ignored (close() stops a loop)", name());
                }
                runTimers();
                runTasks();
            }
        } catch (Throwable t) {
            log(Level.ERROR, "event loop " + name() + " failed; closing it", t);
        } finally {
            shutdown();
        }
    }

    private void select() throws IOException {
        // Cleared before the queue is checked, never after the select: any selectNow (this one,
        // purgeCancelledKeys) consumes a pending wakeup, and a flag left set would stop the next
        // execute from waking a select that blocks with a task queued.
        wakeupPending.set(false);
        if (!tasks.isEmpty()) {
            selector.selectNow(dispatch);
            return;
        }
        ScheduledTask next = peekTimer();
        if (next == null) {
            selector.select(dispatch, 0);
            return;
        }
        long waitNanos = next.deadline - time();
        if (waitNanos <= 0) {
            selector.selectNow(dispatch);
        } else {
            // Round up so a timer never fires early; select(…, 0) would mean "forever".
            selector.select(dispatch, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
    }

    private void dispatch(SelectionKey key) {
        ChannelHandler handler = (ChannelHandler) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
        } catch (java.nio.channels.CancelledKeyException e) {
            return;
        }
        try {
            handler.ready(ready);
        } catch (Throwable t) {
            try {
                handler.abort(t);
            } catch (Throwable alsoAbort) {
                log(Level.ERROR, "a channel of " + name() + " failed and could not be aborted", alsoAbort);
            }
        }
    }

    /**
     * Logs, and never throws: out of descriptors, a logger's lazy set-up (its time zone data, a file handler)
     * can throw an Error, which would otherwise end this loop and every connection on it.
     */
    private static void log(Level level, String message, Throwable t) {
        try {
            LOG.log(level, message, t);
        } catch (Throwable loggingFailed) {
            // nothing better to do: the loop must go on
        }
    }

    private ScheduledTask peekTimer() {
        ScheduledTask t = timers.peek();
        while (t != null && t.isCancelled()) {
            timers.poll();
            t = timers.peek();
        }
        return t;
    }

    private void runTimers() {
        long now = time();
        ScheduledTask t;
        while ((t = peekTimer()) != null && t.deadline - now <= 0) {
            timers.poll();
            tasksRun++;
            safeRun(t);
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            tasksRun++;
            safeRun(r);
        }
    }

    private void safeRun(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            log(Level.ERROR, "task failed on " + name(), t);
        }
    }

    private void shutdown() {
        closeRequested = true; // also when the loop died of an error: refuse new work from now on
        // Closing transports queues their connectionLost callbacks, and a queued task may register a
        // channel (a connection handed over just before close): abort and run again, bounded.
        for (int round = 0; round < 16; round++) {
            abortRegisteredChannels();
            if (tasks.isEmpty()) {
                break;
            }
            runTasks();
        }
        acceptsTasks = false;
        // Only racing execute calls can still add tasks, and each either sees its task run here or
        // takes it back and throws, so nothing accepted is dropped silently.
        Runnable r;
        while ((r = tasks.poll()) != null) {
            safeRun(r);
        }
        timers.clear();
        abortRegisteredChannels();
        try {
            selector.selectNow(key -> {});
        } catch (IOException | RuntimeException | Error e) { // the selector may be why the loop ended
            log(Level.WARNING, "a last select on " + name() + " failed", e);
        }
        try {
            selector.close();
        } catch (IOException e) {
            log(Level.WARNING, "closing selector of " + name() + " failed", e);
        }
        terminated.complete(null);
    }

    private void abortRegisteredChannels() {
        List<ChannelHandler> handlers = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            // A cancelled key belongs to a channel that has already been ended.
            if (key.isValid() && key.attachment() instanceof ChannelHandler h) {
                handlers.add(h);
            }
        }
        for (ChannelHandler h : handlers) {
            try {
                h.abort(null);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "abort failed during shutdown of " + name(), t);
            }
        }
    }

    @Override
    public String toString() {
        return "SelectorEventLoop[" + name() + "]";
    }
}
