package io.magnetar.protocol.resp.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A hash value: fields and their values, both byte strings, in insertion order. Values are never changed once
 * stored (a new array replaces one), so they may be written out after the lock is released.
 *
 * <p>Thread-safe: every method synchronizes on the hash. A hash emptied by {@code HDEL}, or deleted or
 * overwritten in the keyspace, is <em>dead</em> and takes no more writes: the writer retries on what the key
 * holds now, so that a field set by a racing connection is never lost with it (as {@link ListValue}).
 */
final class HashValue extends Container {

    /** Counted per field beside its bytes: the map entry and the key object. */
    private static final int FIELD_OVERHEAD = 64;

    private final Map<Key, byte[]> fields = new LinkedHashMap<>();

    HashValue(LongAdder used) {
        super(used);
    }

    private static long sizeOf(Key field, byte[] value) {
        return FIELD_OVERHEAD + field.length() + value.length;
    }

    /**
     * Sets {@code field} (a probe: copied when new) to {@code value} (kept), unless {@code onlyIfAbsent} and it
     * is there. Returns 1 for a new field, 0 for one replaced or kept, -1 when the hash is dead.
     */
    synchronized int put(Key field, byte[] value, boolean onlyIfAbsent) {
        if (dead) {
            return -1;
        }
        byte[] old = fields.get(field);
        if (old != null && onlyIfAbsent) {
            return 0;
        }
        Key stored = old == null ? field.copy() : field;
        fields.put(stored, value);
        wrote(sizeOf(field, value) - (old == null ? 0 : sizeOf(field, old)));
        return old == null ? 1 : 0;
    }

    /** {@code HINCRBY}: the field's new value, or {@code null} when the hash is dead. */
    synchronized Long increment(Key field, long delta, long[] scratch) {
        if (dead) {
            return null;
        }
        byte[] old = fields.get(field);
        long current = 0;
        if (old != null) {
            if (!Ascii.parseLong(old, scratch)) {
                throw new CommandError("ERR hash value is not an integer");
            }
            current = scratch[0];
        }
        if (delta > 0 ? current > Long.MAX_VALUE - delta : current < Long.MIN_VALUE - delta) {
            throw CommandError.OVERFLOW;
        }
        long next = current + delta;
        put(field, Long.toString(next).getBytes(java.nio.charset.StandardCharsets.US_ASCII), false);
        return next;
    }

    synchronized byte[] get(Key field) {
        return fields.get(field);
    }

    /** Removes {@code field}; true when it was there. The last field's removal kills the hash. */
    synchronized boolean remove(Key field) {
        if (dead) {
            return false;
        }
        byte[] old = fields.remove(field);
        if (old == null) {
            return false;
        }
        wrote(-sizeOf(field, old));
        if (fields.isEmpty()) {
            dead = true;
        }
        return true;
    }

    synchronized int size() {
        return dead ? 0 : fields.size();
    }

    /** Fields and values, alternating, into {@code into}; returns how many arrays (twice the fields). */
    synchronized int entries(Elements into, boolean names, boolean values) {
        int per = (names ? 1 : 0) + (values ? 1 : 0);
        byte[][] out = into.capacity(fields.size() * per);
        int n = 0;
        if (!dead) {
            for (Map.Entry<Key, byte[]> e : fields.entrySet()) {
                if (names) {
                    out[n++] = e.getKey().toBytes();
                }
                if (values) {
                    out[n++] = e.getValue();
                }
            }
        }
        return n;
    }
}
