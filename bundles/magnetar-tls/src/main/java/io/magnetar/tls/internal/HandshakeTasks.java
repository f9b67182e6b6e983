package io.magnetar.tls.internal;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * Runs a handshake's delegated tasks (key agreement, signing, certificate checks: milliseconds warm,
 * tens to hundreds cold) on a worker executor instead of the loop, which serves other connections
 * meanwhile; reading pauses until they are done, since the peer waits for our answer anyway. A
 * {@code null} executor, or one that refuses the work, leaves them to the loop.
 *
 * <p>Confined to the connection's event loop, except the task itself, which touches only the engine.
 */
final class HandshakeTasks {

    private final SslProtocol ssl;
    private final Executor executor;

    HandshakeTasks(SslProtocol ssl, Executor executor) {
        this.ssl = ssl;
        this.executor = executor;
    }

    /** Runs {@code tasks} on the executor, then {@link #done} on the loop; false to run them on the loop instead. */
    boolean offload(Runnable tasks) {
        if (executor == null) {
            return false;
        }
        StreamTransport plain = ssl.plainTransport();
        EventLoop loop = plain.loop();
        plain.pauseReading();
        try {
            executor.execute(() -> {
                Throwable thrown = null;
                try {
                    tasks.run();
                } catch (Throwable t) {
                    thrown = t; // the JDK keeps a task's failure for the next wrap/unwrap; this is anything else
                }
                Throwable error = thrown;
                try {
                    loop.execute(() -> done(error));
                } catch (RejectedExecutionException closedLoop) {
                    // a closed loop has aborted its connections: nobody waits for this handshake
                }
            });
        } catch (RejectedExecutionException shutDown) {
            plain.resumeReading();
            return false; // the executor is shut down: run them on the loop rather than not at all
        }
        return true;
    }

    private void done(Throwable error) {
        if (ssl.isClosingOnLoop()) {
            return; // failed, timed out or lost meanwhile: the pipe is stopped
        }
        if (error != null) {
            ssl.fail(error, "a TLS handshake task threw");
            return;
        }
        // Resumed first: a protocol made by the handshake now may pause reading, and that must win.
        ssl.plainTransport().resumeReading();
        try {
            ssl.pipe().tasksCompleted();
        } catch (SSLException | RuntimeException e) {
            ssl.fail(e, "cannot read TLS records");
        }
    }
}
