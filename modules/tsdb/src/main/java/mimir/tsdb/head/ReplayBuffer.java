package mimir.tsdb.head;

import java.util.Arrays;

/**
 * WAL samples waiting to be applied, as (ref, timestamp, value bits) in primitive arrays, with a stable
 * LSD radix sort by ref: after {@link #sortByRef()} each series' samples are contiguous and still in
 * WAL order. Grows up to {@link #FLUSH_AT} samples (72 MiB with the sort's scratch arrays).
 */
public final class ReplayBuffer {
    /** Samples buffered before the replay applies them: a dozen scrapes of 100k series. */
    public static final int FLUSH_AT = 1 << 21;
    private static final int DIGIT_BITS = 11;
    private static final int RADIX = 1 << DIGIT_BITS;

    private long[] refs = new long[4096];
    private long[] times = new long[4096];
    private long[] values = new long[4096];
    private long[] scratchRefs = new long[0];
    private long[] scratchTimes = new long[0];
    private long[] scratchValues = new long[0];
    private final int[] counts = new int[RADIX];
    private int size;
    private long refBits;

    public void add(long ref, long timestamp, long valueBits) {
        if (size == refs.length) {
            int capacity = size * 2;
            refs = Arrays.copyOf(refs, capacity);
            times = Arrays.copyOf(times, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        refs[size] = ref;
        times[size] = timestamp;
        values[size] = valueBits;
        refBits |= ref;
        size++;
    }

    public int size() {
        return size;
    }

    public long[] refs() {
        return refs;
    }

    public long[] times() {
        return times;
    }

    public long[] values() {
        return values;
    }

    public void clear() {
        size = 0;
        refBits = 0;
    }

    /** Stable sort by ref (refs compared as unsigned; WAL refs are positive). */
    public void sortByRef() {
        if (scratchRefs.length < size) {
            scratchRefs = new long[refs.length];
            scratchTimes = new long[refs.length];
            scratchValues = new long[refs.length];
        }
        int bits = Long.SIZE - Long.numberOfLeadingZeros(refBits);
        for (int shift = 0; shift < bits; shift += DIGIT_BITS) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < size; i++) {
                counts[(int) (refs[i] >>> shift) & (RADIX - 1)]++;
            }
            int sum = 0;
            for (int d = 0; d < RADIX; d++) {
                int count = counts[d];
                counts[d] = sum;
                sum += count;
            }
            for (int i = 0; i < size; i++) {
                int target = counts[(int) (refs[i] >>> shift) & (RADIX - 1)]++;
                scratchRefs[target] = refs[i];
                scratchTimes[target] = times[i];
                scratchValues[target] = values[i];
            }
            long[] swap = refs;
            refs = scratchRefs;
            scratchRefs = swap;
            swap = times;
            times = scratchTimes;
            scratchTimes = swap;
            swap = values;
            values = scratchValues;
            scratchValues = swap;
        }
    }
}
