package io.magnetar.clients.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Work decided under a lock but done after it is released: closing connections, completing futures
 * and starting connects run foreign code (protocol callbacks, future continuations) that must never
 * run while the pool's lock is held.
 *
 * <p>Not thread-safe: one instance per pool operation, on the calling thread.
 */
public final class AfterUnlock {

    private static final System.Logger LOG = System.getLogger(AfterUnlock.class.getName());

    private List<Runnable> tasks;

    public void add(Runnable task) {
        if (tasks == null) {
            tasks = new ArrayList<>(2);
        }
        tasks.add(task);
    }

    /** Runs every task in order; one that throws is logged and does not stop the others. */
    public void run() {
        if (tasks == null) {
            return;
        }
        for (Runnable t : tasks) {
            try {
                t.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pool follow-up task failed", e);
            }
        }
        tasks = null;
    }
}
