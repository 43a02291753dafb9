package mimir.tsdb.head;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An open-addressing hash map from {@code long} keys to objects, so that looking a series up by its
 * ref allocates nothing (no boxing). Linear probing with backward-shift deletion. Not thread-safe.
 */
public final class LongObjectMap<V> {
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public LongObjectMap() {
        this(16);
    }

    public LongObjectMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            Object value = values[i];
            if (value == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) value;
            }
        }
    }

    /** Maps {@code key} to {@code value} (not null); returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null values are not supported");
        }
        if ((size + 1) * 4L > values.length * 3L) {
            grow();
        }
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            Object existing = values[i];
            if (existing == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return null;
            }
            if (keys[i] == key) {
                values[i] = value;
                return (V) existing;
            }
        }
    }

    /** Removes the mapping of {@code key}; returns the removed value or null. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = hash(key) & mask;
        while (true) {
            Object value = values[i];
            if (value == null) {
                return null;
            }
            if (keys[i] == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        V removed = (V) values[i];
        // Backward-shift the following cluster so that probing never stops at a hole it should cross.
        int hole = i;
        int j = (i + 1) & mask;
        while (values[j] != null) {
            int home = hash(keys[j]) & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
        return removed;
    }

    public int size() {
        return size;
    }

    /** Calls {@code consumer} with every value, in no particular order. */
    @SuppressWarnings("unchecked")
    public void forEachValue(Consumer<? super V> consumer) {
        for (Object value : values) {
            if (value != null) {
                consumer.accept((V) value);
            }
        }
    }

    /** Approximate heap bytes of the two backing arrays. */
    public long memoryBytes() {
        return 32L + keys.length * 8L + values.length * 4L;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                insertFresh(oldKeys[i], oldValues[i]);
            }
        }
    }

    private void insertFresh(long key, Object value) {
        int i = hash(key) & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    void clear() {
        Arrays.fill(values, null);
        size = 0;
    }
}
