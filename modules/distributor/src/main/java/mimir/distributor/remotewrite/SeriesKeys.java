package mimir.distributor.remotewrite;

import java.util.Arrays;

/**
 * Per series of a decoded batch (same indexes): the hash of its labels' wire bytes, the key of a
 * {@link SeriesCache}, and whether its labels came from that cache (so they are already validated).
 * Filled by a decoder given a cache; reused for every request of a push context.
 */
public final class SeriesKeys {
    private long[] hashes = new long[64];
    private boolean[] cached = new boolean[64];
    private int count;

    public void clear() {
        count = 0;
    }

    void add(long hash, boolean fromCache) {
        if (count == hashes.length) {
            hashes = Arrays.copyOf(hashes, count * 2);
            cached = Arrays.copyOf(cached, count * 2);
        }
        hashes[count] = hash;
        cached[count] = fromCache;
        count++;
    }

    /** Number of series, the decoded batch's series count. */
    public int size() {
        return count;
    }

    public long hash(int series) {
        return hashes[series];
    }

    /** True if the series' labels are a {@link SeriesCache} entry. */
    public boolean fromCache(int series) {
        return cached[series];
    }
}
