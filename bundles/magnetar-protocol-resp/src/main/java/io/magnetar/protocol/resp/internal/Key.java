package io.magnetar.protocol.resp.internal;

import java.util.Arrays;

/**
 * A key of the keyspace: a range of bytes with its hash computed once. Two uses, one class (so that
 * {@code equals} stays symmetric): keys stored in the map own an exact array and are never changed;
 * each connection has one <em>probe</em> that it points at a key inside its parser's arena for lookups.
 * {@code ConcurrentHashMap} never retains the key given to {@code get}, {@code remove} or
 * {@code replace}, so a probe is safe there; to insert, the probe is {@link #copy() copied} first.
 *
 * <p>Comparable, so that a bin of colliding keys in {@code ConcurrentHashMap} becomes a tree and a
 * client choosing colliding keys cannot make lookups linear.
 *
 * <p>A stored key is immutable; a probe is confined to its connection's event loop.
 */
final class Key implements Comparable<Key> {

    private byte[] bytes;
    private int offset;
    private int length;
    private int hash;

    private Key(byte[] bytes, int offset, int length) {
        point(bytes, offset, length);
    }

    /** A probe, pointed nowhere yet. */
    static Key probe() {
        return new Key(new byte[0], 0, 0);
    }

    /** A stored key holding a copy of {@code bytes}. */
    static Key of(byte[] bytes) {
        return new Key(bytes.clone(), 0, bytes.length);
    }

    /** Points this probe at {@code bytes[offset, offset+length)}, which it does not copy. */
    Key point(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        this.hash = h;
        return this;
    }

    /** Bytes of the key. */
    int length() {
        return length;
    }

    /** A stored key with the bytes this probe points at now. */
    Key copy() {
        return new Key(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
    }

    /** The key's bytes in a new array. */
    byte[] toBytes() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k
                && k.hash == hash
                && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    @Override
    public int compareTo(Key k) {
        return Arrays.compareUnsigned(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    @Override
    public String toString() {
        return new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
