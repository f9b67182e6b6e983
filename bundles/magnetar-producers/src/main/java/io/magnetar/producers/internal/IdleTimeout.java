package io.magnetar.producers.internal;

import io.magnetar.api.EventLoop;
import io.magnetar.api.TimerHandle;
import java.time.Duration;

/**
 * Calls {@code onIdle} once no activity was recorded for {@code timeout}. One timer at a time: an
 * activity only stores a timestamp, and the timer re-arms itself when it fires early, so that the hot
 * read path schedules nothing.
 *
 * <p>Confined to its event loop.
 */
public final class IdleTimeout {

    private final EventLoop loop;
    private final long timeoutNanos;
    private final Runnable onIdle;
    private long lastActivity;
    private TimerHandle timer;
    private boolean cancelled;

    public IdleTimeout(EventLoop loop, Duration timeout, Runnable onIdle) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.onIdle = onIdle;
    }

    public void start() {
        lastActivity = loop.time();
        timer = loop.callAt(lastActivity + timeoutNanos, this::check);
    }

    /** Records activity now. */
    public void touch() {
        lastActivity = loop.time();
    }

    public void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel();
        }
    }

    private void check() {
        if (cancelled) {
            return;
        }
        long deadline = lastActivity + timeoutNanos;
        if (loop.time() - deadline >= 0) {
            cancelled = true;
            onIdle.run();
        } else {
            timer = loop.callAt(deadline, this::check);
        }
    }
}
