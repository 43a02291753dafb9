package mimir.tsdb.index;

import java.util.Arrays;

/**
 * A reusable list of chunk metas of one series (chunk ref, min time, max time; both times inclusive)
 * in three primitive arrays, so reading a series entry allocates nothing per chunk.
 */
public final class ChunkMetas {
    private long[] refs = new long[4];
    private long[] minTimes = new long[4];
    private long[] maxTimes = new long[4];
    private int size;

    public ChunkMetas clear() {
        size = 0;
        return this;
    }

    public ChunkMetas add(long ref, long minTime, long maxTime) {
        if (size == refs.length) {
            refs = Arrays.copyOf(refs, size * 2);
            minTimes = Arrays.copyOf(minTimes, size * 2);
            maxTimes = Arrays.copyOf(maxTimes, size * 2);
        }
        refs[size] = ref;
        minTimes[size] = minTime;
        maxTimes[size] = maxTime;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public long ref(int i) {
        return refs[checkIndex(i)];
    }

    public long minTime(int i) {
        return minTimes[checkIndex(i)];
    }

    public long maxTime(int i) {
        return maxTimes[checkIndex(i)];
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, size);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            out.append(i == 0 ? "" : ", ").append(refs[i]).append('@').append(minTimes[i]).append("..").append(maxTimes[i]);
        }
        return out.append(']').toString();
    }
}
