package io.magnetar.protocols;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Named events, as pulsar's {@code EventHandler}: one-time events are futures that complete once
 * (later listeners still hear them), many-times events are listener lists called on every firing.
 *
 * <p>Thread-safe to bind; events are fired by the owner, on its event loop for protocols and
 * consumers, so listeners run there too.
 */
public class EventHandler {

    private static final System.Logger LOG = System.getLogger(EventHandler.class.getName());

    private final Map<String, CompletableFuture<Object>> oneTime = new HashMap<>();
    private final Map<String, List<Consumer<Object>>> manyTimes = new HashMap<>();

    /** Declares the event names; firing or binding an undeclared name is an error. */
    protected EventHandler(Set<String> oneTimeEvents, Set<String> manyTimesEvents) {
        for (String name : oneTimeEvents) {
            oneTime.put(name, new CompletableFuture<>());
        }
        for (String name : manyTimesEvents) {
            manyTimes.put(name, new CopyOnWriteArrayList<>());
        }
    }

    /** The future of one-time event {@code name}; completes with the fired value or the error. */
    public final CompletableFuture<Object> event(String name) {
        CompletableFuture<Object> f = oneTime.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown one-time event '" + name + "' on " + getClass().getName());
        }
        return f;
    }

    /** True when one-time event {@code name} has fired. */
    public final boolean fired(String name) {
        return event(name).isDone();
    }

    /**
     * Adds {@code listener} to event {@code name}: called on every firing of a many-times event, or
     * once (at once if already fired) for a one-time event.
     */
    public final void bindEvent(String name, Consumer<Object> listener) {
        List<Consumer<Object>> list = manyTimes.get(name);
        if (list != null) {
            list.add(listener);
            return;
        }
        event(name).thenAccept(arg -> {
            try {
                listener.accept(arg);
            } catch (RuntimeException e) {
                // thenAccept would keep the error in a future nobody reads: log it as fireEvent does.
                LOG.log(Level.WARNING, "listener of '" + name + "' on " + this + " threw", e);
            }
        });
    }

    /** Removes a many-times listener; returns whether it was bound. */
    public final boolean removeListener(String name, Consumer<Object> listener) {
        List<Consumer<Object>> list = manyTimes.get(name);
        return list != null && list.remove(listener);
    }

    /** True when many-times event {@code name} has listeners (lets hot paths skip building the argument). */
    protected final boolean hasListeners(String name) {
        List<Consumer<Object>> list = manyTimes.get(name);
        return list != null && !list.isEmpty();
    }

    /**
     * Fires {@code name} with {@code arg}. A one-time event fires only the first time (returns false
     * after). A listener that throws is logged; the others still run.
     */
    public final boolean fireEvent(String name, Object arg) {
        List<Consumer<Object>> list = manyTimes.get(name);
        if (list != null) {
            for (Consumer<Object> l : list) {
                try {
                    l.accept(arg);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "listener of '" + name + "' on " + this + " threw", e);
                }
            }
            return true;
        }
        return event(name).complete(arg);
    }

    /** Fires one-time event {@code name} as failed with {@code error}; false if it had fired already. */
    public final boolean fireEventError(String name, Throwable error) {
        return event(name).completeExceptionally(error);
    }
}
