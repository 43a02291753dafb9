package mimir.tsdb.record;

import java.util.Arrays;

/**
 * Float samples of one samples record in three parallel primitive arrays (series ref, timestamp,
 * value). Reused across records: {@link #clear()} keeps the arrays. Not thread-safe.
 */
public final class SampleBatch {
    private long[] refs;
    private long[] timestamps;
    private double[] values;
    private int size;

    public SampleBatch() {
        this(64);
    }

    public SampleBatch(int capacity) {
        int initial = Math.max(1, capacity);
        refs = new long[initial];
        timestamps = new long[initial];
        values = new double[initial];
    }

    public SampleBatch clear() {
        size = 0;
        return this;
    }

    public SampleBatch add(long ref, long timestamp, double value) {
        if (size == refs.length) {
            int capacity = size * 2;
            refs = Arrays.copyOf(refs, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        refs[size] = ref;
        timestamps[size] = timestamp;
        values[size] = value;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public long ref(int i) {
        return refs[java.util.Objects.checkIndex(i, size)];
    }

    public long timestamp(int i) {
        return timestamps[java.util.Objects.checkIndex(i, size)];
    }

    public double value(int i) {
        return values[java.util.Objects.checkIndex(i, size)];
    }
}
