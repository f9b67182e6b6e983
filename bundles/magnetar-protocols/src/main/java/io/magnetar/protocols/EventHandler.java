package io.magnetar.protocols;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Named events, as pulsar's {@code EventHandler}: one-time events complete once (later listeners
 * still hear them, {@link #event(String)} gives them as a future), many-times events call their
 * listeners on every firing.
 *
 * <p>Thread-safe to bind and to read; events are fired by the owner, on its event loop for
 * protocols and consumers, so listeners run there too. State is allocated only when used: an event
 * nobody listens to costs no allocation to fire, which keeps per-request consumers cheap. Firing
 * and reading take no lock (the hot path of every request); binding and asking for a future do.
 */
public class EventHandler {

    private static final System.Logger LOG = System.getLogger(EventHandler.class.getName());
    /** Marks a one-time event fired with {@code null}. */
    private static final Object NULL = new Object();

    @SuppressWarnings("unchecked")
    private static final Consumer<Object>[] NO_LISTENERS = new Consumer[0];

    /** Volatile and CAS access to the elements of {@link #fired}. */
    private static final java.lang.invoke.VarHandle FIRED =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(Object[].class);
    /** Stands for "no future was asked for" in {@link #settle}. */
    private static final CompletableFuture<Object> UNWATCHED = CompletableFuture.completedFuture(null);

    /** A one-time event fired as failed. */
    private record Failure(Throwable error) {}

    private final List<String> oneTimeNames;
    private final List<String> manyTimesNames;
    /** Per one-time event: {@code null} while pending, else the value ({@link #NULL}) or a {@link Failure}. */
    private final Object[] fired;
    /**
     * Copy-on-write under the lock, read without it. A firing sets {@link #fired} then reads this;
     * {@link #event} publishes a future here then reads {@link #fired}: whichever runs second sees
     * the other, so no future is left pending (completing one twice is harmless).
     */
    private volatile CompletableFuture<Object>[] futures;
    /** Copy-on-write (outer and inner arrays are never changed once published): read without the lock. */
    private volatile Consumer<Object>[][] listeners;

    /**
     * Declares the event names (immutable lists, ideally constants shared by all instances); firing
     * or binding an undeclared name is an error.
     */
    protected EventHandler(List<String> oneTimeEvents, List<String> manyTimesEvents) {
        this.oneTimeNames = oneTimeEvents;
        this.manyTimesNames = manyTimesEvents;
        this.fired = new Object[oneTimeEvents.size()];
    }

    /** As {@link #EventHandler(List, List)}, from sets. */
    protected EventHandler(Set<String> oneTimeEvents, Set<String> manyTimesEvents) {
        this(List.copyOf(oneTimeEvents), List.copyOf(manyTimesEvents));
    }

    private int oneTimeIndex(String name) {
        int i = oneTimeNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "unknown one-time event '" + name + "' on " + getClass().getName());
        }
        return i;
    }

    /** The future of one-time event {@code name}; completes with the fired value or the error. */
    @SuppressWarnings("unchecked")
    public final synchronized CompletableFuture<Object> event(String name) {
        int i = oneTimeIndex(name);
        CompletableFuture<Object>[] old = futures;
        CompletableFuture<Object> f = old == null ? null : old[i];
        if (f == null) {
            f = new CompletableFuture<>();
            CompletableFuture<Object>[] next = old == null ? new CompletableFuture[fired.length] : old.clone();
            next[i] = f;
            futures = next;
            Object state = FIRED.getVolatile(fired, i);
            if (state instanceof Failure failure) {
                f.completeExceptionally(failure.error());
            } else if (state != null) {
                f.complete(state == NULL ? null : state);
            }
        }
        return f;
    }

    /** True once a future was asked for or a listener bound: someone may be watching this handler. */
    protected final boolean isObserved() {
        return futures != null || listeners != null;
    }

    /**
     * Clears every one-time event for reuse of this handler, only when nobody can observe the reset:
     * returns false, changing nothing, when {@link #isObserved()}. Owner thread only, and only for a
     * handler nobody else holds (a reused consumer): the stores are plain, the next firing publishes them.
     */
    protected final boolean resetEvents() {
        if (isObserved()) {
            return false;
        }
        java.util.Arrays.fill(fired, null);
        return true;
    }

    /** True when one-time event {@code name} has fired. */
    public final boolean fired(String name) {
        return firedAt(oneTimeIndex(name));
    }

    /** {@link #fired(String)} by the event's index in the one-time list (per-request paths skip the name lookup). */
    final boolean firedAt(int oneTime) {
        return FIRED.getVolatile(fired, oneTime) != null;
    }

    /**
     * Adds {@code listener} to event {@code name}: called on every firing of a many-times event, or
     * once (at once if already fired, not at all if it failed) for a one-time event.
     */
    // A failed one-time event skips the listener by contract; call() logs what the listener throws.
    @SuppressWarnings({"unchecked", "FutureReturnValueIgnored"})
    public final void bindEvent(String name, Consumer<Object> listener) {
        int m = manyTimesNames.indexOf(name);
        if (m < 0) {
            event(name).thenAccept(arg -> call(name, listener, arg));
            return;
        }
        synchronized (this) {
            Consumer<Object>[][] all = listeners == null ? new Consumer[manyTimesNames.size()][] : listeners.clone();
            Consumer<Object>[] old = all[m] == null ? NO_LISTENERS : all[m];
            Consumer<Object>[] next = java.util.Arrays.copyOf(old, old.length + 1);
            next[old.length] = listener;
            all[m] = next;
            listeners = all;
        }
    }

    /** Removes a many-times listener; returns whether it was bound. */
    public final synchronized boolean removeListener(String name, Consumer<Object> listener) {
        int m = manyTimesNames.indexOf(name);
        if (m < 0 || listeners == null || listeners[m] == null) {
            return false;
        }
        Consumer<Object>[] old = listeners[m];
        for (int i = 0; i < old.length; i++) {
            if (old[i].equals(listener)) {
                Consumer<Object>[] next = java.util.Arrays.copyOf(old, old.length - 1);
                System.arraycopy(old, i + 1, next, i, old.length - i - 1);
                Consumer<Object>[][] all = listeners.clone();
                all[m] = next.length == 0 ? null : next;
                listeners = all;
                return true;
            }
        }
        return false;
    }

    /** True when many-times event {@code name} has listeners (lets hot paths skip building the argument). */
    protected final boolean hasListeners(String name) {
        return listenersOf(name).length > 0;
    }

    /** {@link #hasListeners(String)} by the event's index in the many-times list. */
    final boolean hasListenersAt(int manyTimes) {
        Consumer<Object>[][] all = listeners;
        return all != null && all[manyTimes] != null;
    }

    private Consumer<Object>[] listenersOf(String name) {
        Consumer<Object>[][] all = listeners;
        if (all == null) {
            return NO_LISTENERS;
        }
        int m = manyTimesNames.indexOf(name);
        return m < 0 || all[m] == null ? NO_LISTENERS : all[m];
    }

    /**
     * Fires {@code name} with {@code arg}. A one-time event fires only the first time (returns false
     * after). A listener that throws is logged; the others still run.
     */
    public final boolean fireEvent(String name, Object arg) {
        int m = manyTimesNames.indexOf(name);
        if (m >= 0) {
            fireManyTimes(m, name, arg);
            return true;
        }
        return fireOneTime(oneTimeIndex(name), arg);
    }

    /** Calls the listeners of many-times event number {@code m} ({@code name} is for the log). */
    final void fireManyTimes(int m, String name, Object arg) {
        Consumer<Object>[][] all = listeners;
        Consumer<Object>[] those = all == null ? null : all[m];
        if (those != null) {
            for (Consumer<Object> l : those) {
                call(name, l, arg);
            }
        }
    }

    /** Fires one-time event number {@code i} (its index in the one-time list); as {@link #fireEvent}. */
    final boolean fireOneTime(int i, Object arg) {
        CompletableFuture<Object> f = settle(i, arg == null ? NULL : arg);
        if (f == null) {
            return false;
        }
        if (f != UNWATCHED) {
            f.complete(arg); // listeners run here
        }
        return true;
    }

    /** Fires one-time event {@code name} as failed with {@code error}; false if it had fired already. */
    public final boolean fireEventError(String name, Throwable error) {
        CompletableFuture<Object> f = settle(oneTimeIndex(name), new Failure(error));
        if (f == null) {
            return false;
        }
        if (f != UNWATCHED) {
            f.completeExceptionally(error);
        }
        return true;
    }

    /**
     * Records one-time event {@code i} as {@code state} if it had not fired: returns its future then
     * ({@link #UNWATCHED} when none was asked for), {@code null} when it had fired already.
     */
    private CompletableFuture<Object> settle(int i, Object state) {
        if (!FIRED.compareAndSet(fired, i, null, state)) {
            return null;
        }
        CompletableFuture<Object>[] fs = futures;
        CompletableFuture<Object> f = fs == null ? null : fs[i];
        return f == null ? UNWATCHED : f;
    }

    private void call(String name, Consumer<Object> listener, Object arg) {
        try {
            listener.accept(arg);
        } catch (RuntimeException e) {
            // a future would keep the error where nobody reads it: log it for both kinds of event
            LOG.log(Level.WARNING, "listener of '" + name + "' on " + this + " threw", e);
        }
    }
}
