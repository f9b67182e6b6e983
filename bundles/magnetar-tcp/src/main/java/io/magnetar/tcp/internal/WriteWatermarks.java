package io.magnetar.tcp.internal;

import io.magnetar.api.StreamTransport;

/**
 * A transport's write-buffer marks and whether its protocol was told to pause: {@code pauseWriting} once
 * when the buffer passes the high mark, {@code resumeWriting} once when it is back at the low mark.
 *
 * <p>Confined to the transport's event loop.
 */
public final class WriteWatermarks {

    private int high = StreamTransport.DEFAULT_HIGH_WATER;
    private int low = StreamTransport.DEFAULT_HIGH_WATER / 4;
    private boolean paused;

    /** Negative values pick the defaults (64 KiB, and a quarter of the high mark). */
    public void set(int highMark, int lowMark) {
        int h = highMark < 0 ? StreamTransport.DEFAULT_HIGH_WATER : highMark;
        int l = lowMark < 0 ? h / 4 : lowMark;
        if (l > h) {
            throw new IllegalArgumentException("low-water mark " + l + " above high-water mark " + h);
        }
        high = h;
        low = l;
    }

    public int high() {
        return high;
    }

    public int low() {
        return low;
    }

    /** True, once, when {@code buffered} has passed the high mark: the protocol is to be paused now. */
    public boolean pauseNow(long buffered) {
        if (paused || buffered <= high) {
            return false;
        }
        paused = true;
        return true;
    }

    /** True, once after a pause, when {@code buffered} is down to the low mark: the protocol may resume now. */
    public boolean resumeNow(long buffered) {
        if (!paused || buffered > low) {
            return false;
        }
        paused = false;
        return true;
    }
}
