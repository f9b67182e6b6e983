package io.magnetar.udp.internal;

/**
 * The high and low water marks of a send queue and whether the protocol was told to pause: decides
 * when {@code pauseWriting} and {@code resumeWriting} are due, each once per crossing.
 *
 * <p>Confined to its transport's event loop.
 */
public final class WaterMarks {

    private int high;
    private int low;
    private boolean paused;

    public WaterMarks(int defaultHigh) {
        set(defaultHigh, -1, defaultHigh);
    }

    /** {@code high < 0} selects {@code defaultHigh}; {@code low < 0} selects {@code high / 4}. */
    public void set(int high, int low, int defaultHigh) {
        int h = high < 0 ? defaultHigh : high;
        int l = low < 0 ? h / 4 : low;
        if (l > h) {
            throw new IllegalArgumentException("low-water mark " + l + " above high-water mark " + h);
        }
        this.high = h;
        this.low = l;
    }

    public int high() {
        return high;
    }

    public int low() {
        return low;
    }

    /** True, once, when {@code queued} went over the high-water mark: call {@code pauseWriting}. */
    public boolean pauseDue(long queued) {
        if (paused || queued <= high) {
            return false;
        }
        paused = true;
        return true;
    }

    /** True, once, when {@code queued} came down to the low-water mark after a pause: call {@code resumeWriting}. */
    public boolean resumeDue(long queued) {
        if (!paused || queued > low) {
            return false;
        }
        paused = false;
        return true;
    }
}
