package io.magnetar.protocol.resp.internal;

import java.util.concurrent.locks.StampedLock;

/**
 * What makes an {@code EXEC} one step for every other client of a keyspace, as in redis-server, whose single
 * thread runs a transaction's commands with nothing in between: each read of a connection runs its commands
 * as a shared holder of the keyspace, an {@code EXEC} as its only holder. Shared holders do not exclude one
 * another (single commands stay atomic per key, as before); the price is two uncontended atomic updates per
 * read, not per command.
 *
 * <p>Thread-safe. One {@link Hold} per connection, confined to its event loop.
 */
final class Isolation {

    private final StampedLock lock = new StampedLock();

    Hold hold() {
        return new Hold();
    }

    /** One connection's hold on the keyspace. */
    final class Hold {
        private long stamp;

        /** Begins a read's commands; waits while an {@code EXEC} of another connection runs. Not re-entrant. */
        void enter() {
            assert stamp == 0 : "a read's hold entered twice";
            stamp = lock.readLock();
        }

        /** Ends what {@link #enter} began. */
        void exit() {
            lock.unlock(stamp);
            stamp = 0;
        }

        /**
         * Runs {@code transaction} with no other connection's commands before its end: within a read, the
         * read's shared hold becomes the only one for the while; outside one (a test), a hold of its own.
         */
        void exclusively(Runnable transaction) {
            if (stamp != 0 && StampedLock.isWriteLockStamp(stamp)) {
                transaction.run(); // within an EXEC already: stays exclusive to its end
                return;
            }
            boolean inRead = stamp != 0;
            long write = inRead ? lock.tryConvertToWriteLock(stamp) : 0;
            if (write == 0) {
                if (inRead) {
                    lock.unlockRead(stamp);
                }
                write = lock.writeLock();
            }
            stamp = write;
            try {
                transaction.run();
            } finally {
                if (inRead) {
                    stamp = lock.tryConvertToReadLock(stamp);
                } else {
                    lock.unlockWrite(stamp);
                    stamp = 0;
                }
            }
        }
    }
}
