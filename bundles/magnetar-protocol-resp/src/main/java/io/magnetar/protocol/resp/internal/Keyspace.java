package io.magnetar.protocol.resp.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The keys and values of a RESP server, shared by all its connections: a {@link ConcurrentHashMap} from
 * {@link Key} to a value, which is a string ({@code byte[]}, never changed once stored), a counter
 * ({@link AtomicLong}, what {@code INCR} makes of a string so that counting allocates nothing), a list
 * ({@link ListValue}), or one of the first two with a deadline ({@link Expiring}).
 *
 * <p>Expiry is lazy: a read that finds an expired value removes it and answers as if it were absent;
 * {@link #removeExpired()} sweeps the rest when someone calls it. Only values with a deadline read the
 * clock. Each command is atomic on its key; a command on several keys ({@code MSET}, {@code DEL a b}) is
 * not isolated from other connections.
 *
 * <p>Thread-safe: connections on different event loops use it at once. Lookups take a probe {@link Key}
 * that the map never retains.
 */
public final class Keyspace {

    /** A string or counter with the {@code clock} time at which it expires. Immutable, identity equality. */
    static final class Expiring {
        final Object value;
        final long deadline;

        Expiring(Object value, long deadline) {
            this.value = value;
            this.deadline = deadline;
        }
    }

    /** A map entry's cost beyond its key's and value's bytes (node, key object, headers), estimated. */
    static final int ENTRY_OVERHEAD = 96;

    private final ConcurrentHashMap<Key, Object> map = new ConcurrentHashMap<>();
    private final Isolation isolation = new Isolation();
    private final Containers containers = new Containers(this);
    /** Estimated bytes of keys and values: what {@code maxmemory} is checked against. */
    private final LongAdder used = new LongAdder();

    private final InputBudget input = new InputBudget(Runtime.getRuntime().maxMemory() / 4);
    private volatile long maxMemory = Runtime.getRuntime().maxMemory() / 4;
    private final LongSupplier clock;
    /** Set when a value with a deadline is stored; lets the sweep skip a keyspace without any. */
    private volatile boolean mayExpire;

    /** A keyspace on the {@link System#nanoTime()} clock. */
    public Keyspace() {
        this(System::nanoTime);
    }

    /** A keyspace on {@code clock}, in nanoseconds (tests move time by hand). */
    Keyspace(LongSupplier clock) {
        this.clock = clock;
    }

    /** The live value of {@code k}: {@code byte[]}, {@link AtomicLong} or {@link ListValue}; null if none. */
    Object get(Key k) {
        Object v = map.get(k);
        return v instanceof Expiring e ? live(k, e) : v;
    }

    private Object live(Key k, Expiring e) {
        if (e.deadline - clock.getAsLong() > 0) {
            return e.value;
        }
        if (map.remove(k, e)) {
            used.add(-entrySize(k, e));
        }
        return null;
    }

    /** Estimated bytes a value holds: what {@code maxmemory} counts. */
    static long sizeOf(Object v) {
        if (v instanceof byte[] b) {
            return b.length + 16L;
        }
        if (v instanceof Expiring e) {
            return 24L + sizeOf(e.value);
        }
        return 24L; // a counter, or a list's or hash's own object (its elements count as written)
    }

    /**
     * What {@code stored}, just replaced or removed, held of the estimate, a list's or hash's elements included. A
     * {@link Container} is killed first: a write on another loop that fetched it before it left retries instead of
     * writing into it. Called once per object leaving the map.
     */
    private static long heldBy(Object stored) {
        return sizeOf(stored) + (stored instanceof Container c ? c.kill() : 0);
    }

    /** What the entry of {@code stored} at {@code k}, just removed, held of the estimate (see {@link #heldBy}). */
    private static long removed(Key k, Object stored) {
        return ENTRY_OVERHEAD + k.length() + heldBy(stored);
    }

    private static long entrySize(Key k, Object v) {
        return ENTRY_OVERHEAD + k.length() + sizeOf(v);
    }

    /** Estimated bytes of all keys and values. */
    public long usedMemory() {
        return used.sum();
    }

    public long maxMemory() {
        return maxMemory;
    }

    /** Bytes the values may use before writes are refused; 0: no limit. */
    public void maxMemory(long bytes) {
        maxMemory = bytes;
    }

    /** redis's {@code requirepass}, or null when clients need not authenticate. */
    private volatile byte[] requirePass;

    public void requirePass(String password) {
        requirePass = password == null || password.isEmpty()
                ? null
                : password.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] requirePass() {
        return requirePass;
    }

    /** True when a command that adds data must be refused with redis's {@code -OOM}. */
    boolean overMaxMemory() {
        long max = maxMemory;
        return max > 0 && used.sum() > max;
    }

    /** Bytes all connections may hold of commands still arriving; 0: no limit. */
    public void maxClientInput(long bytes) {
        input.limit(bytes);
    }

    public long maxClientInput() {
        return input.limit();
    }

    Isolation isolation() {
        return isolation;
    }

    /** The buffered client input of every connection on this keyspace, against one limit. */
    InputBudget inputBudget() {
        return input;
    }

    private boolean expired(Object v) {
        return v instanceof Expiring e && e.deadline - clock.getAsLong() <= 0;
    }

    /** The clock time {@code ttlNanos} from now. */
    long deadline(long ttlNanos) {
        return clock.getAsLong() + ttlNanos;
    }

    private Object wrap(Object value, long deadline, boolean expires) {
        if (!expires) {
            return value;
        }
        mayExpire = true;
        return new Expiring(value, deadline);
    }

    /**
     * {@code SET}: stores {@code value} (kept, not copied) at {@code k}, whatever was there, with
     * {@code deadline} when {@code expires}. {@code nx}: only if absent; {@code xx}: only if present.
     * Returns whether it was stored.
     */
    boolean set(Key k, byte[] value, boolean expires, long deadline, boolean nx, boolean xx) {
        Object v = wrap(value, deadline, expires);
        if (!nx && !xx) {
            // replace() keeps the stored key: overwriting a key allocates no new one.
            Object old = map.replace(k, v);
            if (old == null) {
                old = map.put(k.copy(), v);
                used.add(entrySize(k, v) - (old == null ? 0 : removed(k, old)));
            } else {
                used.add(sizeOf(v) - heldBy(old));
            }
            return true;
        }
        while (true) {
            Object old = map.get(k);
            boolean present = old != null && !expired(old);
            if (nx && present || xx && !present) {
                return false;
            }
            if (old == null ? map.putIfAbsent(k.copy(), v) == null : map.replace(k, old, v)) {
                used.add(old == null ? entrySize(k, v) : sizeOf(v) - heldBy(old));
                return true;
            }
        }
    }

    /**
     * Replaces what is stored at {@code k} with {@code next.apply(stored)} in one atomic step, {@code stored} being
     * the live stored object ({@link Expiring} included) or null; a null result removes the key. Returns the
     * object replaced. For the rarer writes ({@code SET ... GET|KEEPTTL}, {@code GETDEL}, {@code APPEND}): it may
     * allocate, and {@code next} may run more than once. Strings and counters only ({@code next} throws on a list).
     */
    Object update(Key k, UnaryOperator<Object> next) {
        while (true) {
            Object old = map.get(k);
            Object live = old != null && expired(old) ? null : old;
            Object v = next.apply(live);
            if (v == old) {
                return live; // left as it is: nothing to swap or count
            }
            if (v instanceof Expiring) {
                mayExpire = true;
            }
            boolean done = old == null
                    ? v == null || map.putIfAbsent(k.copy(), v) == null
                    : v == null ? map.remove(k, old) : map.replace(k, old, v);
            if (done) {
                used.add((v == null ? 0 : old == null ? entrySize(k, v) : sizeOf(v))
                        - (old == null ? 0 : v == null ? removed(k, old) : heldBy(old)));
                return live;
            }
        }
    }

    /** The value of a stored object: what an {@link Expiring} holds, else the object itself. */
    static Object valueOf(Object stored) {
        return stored instanceof Expiring e ? e.value : stored;
    }

    /** {@code stored}'s deadline kept on {@code value} (a new {@link Expiring}), or {@code value} when it had none. */
    static Object withDeadlineOf(Object stored, Object value) {
        return stored instanceof Expiring e ? new Expiring(value, e.deadline) : value;
    }

    /** {@code DEL} of one key: true when a live value was removed. */
    boolean delete(Key k) {
        Object v = map.remove(k);
        if (v != null) {
            used.add(-removed(k, v));
        }
        return v != null && !expired(v);
    }

    boolean exists(Key k) {
        return get(k) != null;
    }

    /** {@code INCRBY}: the new value; a string becomes a counter, and a deadline stays. */
    long incrBy(Key k, long delta, long[] scratch) {
        while (true) {
            Object old = map.get(k);
            Object v = old;
            if (old instanceof Expiring e) {
                if (expired(e)) {
                    if (map.remove(k, e)) {
                        used.add(-entrySize(k, e));
                    }
                    continue;
                }
                v = e.value;
            }
            if (v == null) {
                if (map.putIfAbsent(k.copy(), new AtomicLong(delta)) == null) {
                    used.add(ENTRY_OVERHEAD + k.length() + 24L);
                    return delta;
                }
            } else if (v instanceof AtomicLong counter) {
                return add(counter, delta);
            } else if (v instanceof byte[] text) {
                if (!Ascii.parseLong(text, scratch)) {
                    throw CommandError.NOT_INTEGER;
                }
                long next = addExact(scratch[0], delta);
                AtomicLong counter = new AtomicLong(next);
                Object replacement = old instanceof Expiring e ? new Expiring(counter, e.deadline) : counter;
                if (map.replace(k, old, replacement)) {
                    used.add(sizeOf(replacement) - sizeOf(old));
                    return next;
                }
            } else {
                throw CommandError.WRONGTYPE;
            }
        }
    }

    private static long add(AtomicLong counter, long delta) {
        while (true) {
            long current = counter.get();
            long next = addExact(current, delta);
            if (counter.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    private static long addExact(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw CommandError.OVERFLOW;
        }
        return r;
    }

    /** The lists and hashes of this keyspace. */
    Containers containers() {
        return containers;
    }

    /** Puts {@code fresh}, a new list or hash, at {@code k} unless the key holds something; true when it did. */
    boolean addContainer(Key k, Container fresh) {
        if (map.putIfAbsent(k.copy(), fresh) != null) {
            return false;
        }
        used.add(entrySize(k, fresh));
        return true;
    }

    /** Removes {@code container}, dead (emptied), from {@code k} if it is still there. */
    void removeContainer(Key k, Container container) {
        if (map.remove(k, container)) {
            used.add(-entrySize(k, container)); // dead: its elements were counted out as they went
        }
    }

    /** The estimate lists and hashes count their elements into. */
    LongAdder used() {
        return used;
    }

    /** What is stored at {@code k} while it lives, an {@link Expiring} included; null for no live key. */
    Object stored(Key k) {
        Object v = map.get(k);
        return v instanceof Expiring e && live(k, e) == null ? null : v;
    }

    /** Keys stored, counting expired ones not yet removed (as redis's {@code DBSIZE}). */
    public int size() {
        return map.size();
    }

    /** The name {@code TYPE} gives a live value: {@code string} (counters too), {@code list}, {@code hash}; {@code none}. */
    static String typeOf(Object v) {
        return v == null ? "none" : v instanceof ListValue ? "list" : v instanceof HashValue ? "hash" : "string";
    }

    /** Calls {@code each} with every live key and its stored object (weakly consistent, as the map's iteration). */
    void forEachLive(java.util.function.BiConsumer<Key, Object> each) {
        long now = clock.getAsLong();
        map.forEach((k, v) -> {
            if (!(v instanceof Expiring e) || e.deadline - now > 0) {
                each.accept(k, v);
            }
        });
    }

    /** Keys stored with a deadline (a scan: for {@code INFO}, not for hot paths). */
    public int expiring() {
        int[] n = new int[1];
        map.forEach((k, v) -> {
            if (v instanceof Expiring) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Removes every key. */
    public void clear() {
        map.clear();
        used.reset();
    }

    /** Removes the values whose deadline has passed and returns how many; cheap when none has a deadline. */
    public int removeExpired() {
        if (!mayExpire) {
            return 0;
        }
        // Cleared first: a deadline stored during the scan sets it again and is swept next time.
        mayExpire = false;
        long now = clock.getAsLong();
        int[] removed = new int[1];
        boolean[] more = new boolean[1];
        // Sequential and weakly consistent: removing while iterating is allowed in a ConcurrentHashMap.
        map.forEach((k, v) -> {
            if (v instanceof Expiring e) {
                if (e.deadline - now <= 0) {
                    if (map.remove(k, e)) {
                        used.add(-entrySize(k, e));
                        removed[0]++;
                    }
                } else {
                    more[0] = true;
                }
            }
        });
        if (more[0]) {
            mayExpire = true;
        }
        return removed[0];
    }
}
