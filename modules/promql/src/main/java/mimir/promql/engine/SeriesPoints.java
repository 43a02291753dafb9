package mimir.promql.engine;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;

/**
 * The samples of one selected series, loaded once per query into primitive arrays, with the lookups
 * the evaluator needs at every step: the instant value with lookback (left-open window
 * {@code (ts - lookback, ts]}, ended by a staleness marker) and the index range of a left-open range
 * window {@code (ts - range, ts]} over the samples without staleness markers. Native-histogram samples
 * are kept apart: an instant lookup can land on one ({@link #isHistogram}), range windows hold floats
 * only and the histograms' timestamps are available separately (the engine counts them but does not
 * evaluate histogram values).
 */
public final class SeriesPoints {
    private final Labels labels;
    private final long[] timestamps;
    private final double[] values;
    private final boolean[] histograms;
    private final int size;
    private final long[] histogramTimestamps;
    // The same samples without staleness markers, for range windows; shared when there are none.
    private final long[] rangeTimestamps;
    private final double[] rangeValues;
    private final int rangeSize;

    private SeriesPoints(Labels labels, long[] timestamps, double[] values, boolean[] histograms, int size) {
        this.labels = requireNonNull(labels, "labels is null");
        this.timestamps = timestamps;
        this.values = values;
        this.histograms = histograms;
        this.size = size;
        int stale = 0;
        int histogramCount = 0;
        for (int i = 0; i < size; i++) {
            if (histograms != null && histograms[i]) {
                histogramCount++;
            }
            else if (StaleMarker.is(values[i])) {
                stale++;
            }
        }
        histogramTimestamps = new long[histogramCount];
        if (histogramCount > 0) {
            for (int i = 0, j = 0; i < size; i++) {
                if (histograms[i]) {
                    histogramTimestamps[j++] = timestamps[i];
                }
            }
        }
        stale += histogramCount;
        if (stale == 0) {
            rangeTimestamps = timestamps;
            rangeValues = values;
            rangeSize = size;
        }
        else {
            rangeTimestamps = new long[size - stale];
            rangeValues = new double[size - stale];
            int j = 0;
            for (int i = 0; i < size; i++) {
                if (!StaleMarker.is(values[i]) && !isHistogram(i)) {
                    rangeTimestamps[j] = timestamps[i];
                    rangeValues[j] = values[i];
                    j++;
                }
            }
            rangeSize = j;
        }
    }

    /** Reads every sample of the iterator. */
    public static SeriesPoints load(Labels labels, SampleIterator iterator) {
        return load(labels, iterator, new long[16], new double[16], null);
    }

    /**
     * Reusable sample arrays for {@link #load(Labels, SampleIterator, Buffer)}: one per selector,
     * grown to the longest series seen.
     */
    static final class Buffer {
        long[] timestamps = new long[256];
        double[] values = new double[256];
    }

    /**
     * Reads every sample of the iterator into {@code buffer}'s arrays (growing them): the points are
     * valid only until the next load into the same buffer.
     */
    static SeriesPoints load(Labels labels, SampleIterator iterator, Buffer buffer) {
        return load(labels, iterator, buffer.timestamps, buffer.values, buffer);
    }

    private static SeriesPoints load(Labels labels, SampleIterator iterator, long[] t, double[] v, Buffer buffer) {
        boolean[] h = null;
        int n = 0;
        while (iterator.next()) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
                if (h != null) {
                    h = Arrays.copyOf(h, n * 2);
                }
                if (buffer != null) {
                    buffer.timestamps = t;
                    buffer.values = v;
                }
            }
            t[n] = iterator.timestamp();
            if (iterator.histogram()) {
                if (h == null) {
                    h = new boolean[t.length];
                }
                h[n] = true;
                v[n] = Double.NaN;
            }
            else {
                v[n] = iterator.value();
            }
            n++;
        }
        return new SeriesPoints(labels, t, v, h, n);
    }

    /** Wraps arrays already in ascending time (not copied). */
    public static SeriesPoints of(Labels labels, long[] timestamps, double[] values) {
        return new SeriesPoints(labels, timestamps, values, null, timestamps.length);
    }

    public Labels labels() {
        return labels;
    }

    public int size() {
        return size;
    }

    /**
     * The index of the sample an instant selector sees at {@code ts}: the last one in
     * {@code (ts - lookback, ts]}, or -1 if there is none or it is a staleness marker.
     */
    public int instantIndex(long ts, long lookback) {
        return instantIndexAt(lastAtOrBefore(timestamps, size, ts), ts, lookback);
    }

    /**
     * The index of the last sample at or before {@code ts}, or -1, found by moving forward from
     * {@code from}: the same answer as a search when {@code from} is that index for an earlier time
     * (or -1), in time linear in the distance moved. For lookups at ascending times.
     */
    int lastAtOrBeforeFrom(int from, long ts) {
        int index = from;
        while (index + 1 < size && timestamps[index + 1] <= ts) {
            index++;
        }
        return index;
    }

    /** {@link #instantIndex} given {@code index}, the last sample at or before {@code ts} (or -1). */
    int instantIndexAt(int index, long ts, long lookback) {
        if (index < 0 || timestamps[index] <= ts - lookback || (StaleMarker.is(values[index]) && !isHistogram(index))) {
            return -1;
        }
        return index;
    }

    public long timestamp(int index) {
        return timestamps[index];
    }

    public double value(int index) {
        return values[index];
    }

    /** True if the sample at {@code index} is a native histogram (its {@link #value} is meaningless). */
    public boolean isHistogram(int index) {
        return histograms != null && histograms[index];
    }

    /** Timestamps of the native-histogram samples in ascending order (owned; do not change); empty if none. */
    public long[] histogramTimestamps() {
        return histogramTimestamps;
    }

    /** Timestamps of the samples without staleness markers (owned; do not change). */
    public long[] rangeTimestamps() {
        return rangeTimestamps;
    }

    /** Values of the samples without staleness markers (owned; do not change). */
    public double[] rangeValues() {
        return rangeValues;
    }

    /** The number of samples without staleness markers (the used length of the range arrays). */
    public int rangeSize() {
        return rangeSize;
    }

    /** First index of the range window {@code (start, end]} in the range arrays. */
    public int rangeFrom(long start) {
        return lastAtOrBefore(rangeTimestamps, rangeSize, start) + 1;
    }

    /** End index (exclusive) of the range window {@code (start, end]} in the range arrays. */
    public int rangeTo(long end) {
        return lastAtOrBefore(rangeTimestamps, rangeSize, end) + 1;
    }

    /** The index of the last timestamp {@code <= t}, or -1. */
    private static int lastAtOrBefore(long[] timestamps, int size, long t) {
        int low = 0;
        int high = size - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (timestamps[mid] <= t) {
                found = mid;
                low = mid + 1;
            }
            else {
                high = mid - 1;
            }
        }
        return found;
    }
}
