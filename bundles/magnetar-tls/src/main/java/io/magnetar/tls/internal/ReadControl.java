package io.magnetar.tls.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code pauseReading}/{@code resumeReading} of a TLS transport, with the TCP semantics: no
 * {@code dataReceived} between pause and resume. Pausing stops the pipe at once (the rest of the
 * ciphertext already read is kept) and pauses the plain transport; resuming first decrypts what was
 * kept, then lets the plain transport read again, so bytes, and the EOF after them, keep their order.
 *
 * <p>Confined to the connection's event loop.
 */
public final class ReadControl {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SslProtocol ssl;
    private final SslPipe pipe;
    private boolean paused;
    private boolean drainScheduled;

    ReadControl(SslProtocol ssl, SslPipe pipe) {
        this.ssl = ssl;
        this.pipe = pipe;
    }

    public void pause() {
        if (paused || ssl.isClosingOnLoop()) {
            return;
        }
        paused = true;
        pipe.setPaused(true);
        ssl.plain().pauseReading();
    }

    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        pipe.setPaused(false);
        if (!pipe.hasPendingInput()) {
            ssl.plain().resumeReading();
        } else if (!drainScheduled) {
            // A task, not a call: resumeReading may come from inside a protocol callback.
            drainScheduled = true;
            try {
                ssl.plain().loop().execute(this::drain);
            } catch (RejectedExecutionException closedLoop) {
                drainScheduled = false; // a closed loop aborts its connections: nothing left to read
            }
        }
    }

    private void drain() {
        drainScheduled = false;
        if (paused || ssl.isClosingOnLoop()) {
            return;
        }
        ssl.dataReceived(EMPTY);
        if (!paused && !ssl.isClosingOnLoop()) {
            ssl.plain().resumeReading();
        }
    }

    /** True unless paused, closing, or the peer's EOF (close_notify) was delivered. */
    public boolean isReading() {
        return !paused && !ssl.isClosingOnLoop() && !ssl.isEofDelivered();
    }
}
