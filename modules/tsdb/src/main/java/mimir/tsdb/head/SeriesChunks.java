package mimir.tsdb.head;

import java.util.Arrays;

/**
 * A growable list of encoded XOR chunks with their time ranges, in primitive arrays: what a querier
 * or the block hand-off takes out of a {@link MemSeries} under its lock and then reads without it.
 * Chunk arrays are never modified after they are added (closed chunks are immutable and the open chunk
 * is copied).
 */
public final class SeriesChunks {
    private byte[][] data = new byte[2][];
    private long[] minTimes = new long[2];
    private long[] maxTimes = new long[2];
    private int size;

    public void add(byte[] chunk, long minTime, long maxTime) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
            minTimes = Arrays.copyOf(minTimes, size * 2);
            maxTimes = Arrays.copyOf(maxTimes, size * 2);
        }
        data[size] = chunk;
        minTimes[size] = minTime;
        maxTimes[size] = maxTime;
        size++;
    }

    public SeriesChunks clear() {
        Arrays.fill(data, 0, size, null);
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] data(int i) {
        return data[i];
    }

    public long minTime(int i) {
        return minTimes[i];
    }

    public long maxTime(int i) {
        return maxTimes[i];
    }
}
