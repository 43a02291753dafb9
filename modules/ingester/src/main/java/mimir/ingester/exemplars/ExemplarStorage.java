package mimir.ingester.exemplars;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.ingester.client.ExemplarSeries;
import mimir.model.Labels;
import mimir.model.Matcher;

/**
 * One tenant's exemplars in memory, Prometheus's {@code CircularExemplarStorage}: a ring of a fixed
 * number of exemplars shared by all the tenant's series, the oldest overwritten first. Each series
 * chains its exemplars through the ring in insertion (and so time) order. An exemplar identical to the
 * series' newest one is a duplicate and dropped silently; one older than the series' newest is refused
 * as out of order. Capacity 0 stores nothing (exemplars disabled, as in Mimir). Thread-safe.
 */
public final class ExemplarStorage {
    /** Outcome of {@link #add}. */
    public enum Result {
        ADDED,
        DUPLICATE,
        OUT_OF_ORDER,
        DISABLED
    }

    private static final class SeriesEntry {
        final Labels labels;
        int oldest;
        int newest;

        SeriesEntry(Labels labels) {
            this.labels = labels;
        }
    }

    private SeriesEntry[] owner = new SeriesEntry[0];
    private Labels[] labels = new Labels[0];
    private double[] values = new double[0];
    private long[] timestamps = new long[0];
    private int[] nextInSeries = new int[0];
    private int next;
    private int size;
    private final Map<Labels, SeriesEntry> series = new HashMap<>();

    public ExemplarStorage(int capacity) {
        resize(capacity);
    }

    public synchronized int capacity() {
        return labels.length;
    }

    /** Exemplars held. */
    public synchronized int size() {
        return size;
    }

    /** Changes the capacity, keeping the newest exemplars that fit. */
    public synchronized void resize(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("negative exemplar capacity " + capacity);
        }
        if (capacity == labels.length) {
            return;
        }
        // Re-add the newest exemplars that fit, oldest of them first, into fresh arrays.
        int keep = Math.min(size, capacity);
        int[] order = new int[keep];
        for (int i = 0; i < keep; i++) {
            order[i] = Math.floorMod(next - keep + i, labels.length);
        }
        SeriesEntry[] oldOwner = owner;
        Labels[] oldLabels = labels;
        double[] oldValues = values;
        long[] oldTimestamps = timestamps;
        owner = new SeriesEntry[capacity];
        labels = new Labels[capacity];
        values = new double[capacity];
        timestamps = new long[capacity];
        nextInSeries = new int[capacity];
        Arrays.fill(nextInSeries, -1);
        series.clear();
        next = 0;
        size = 0;
        for (int index : order) {
            insert(oldOwner[index].labels, oldLabels[index], oldTimestamps[index], oldValues[index]);
        }
    }

    /** Adds an exemplar of {@code seriesLabels}. */
    public synchronized Result add(Labels seriesLabels, Labels exemplarLabels, long timestamp, double value) {
        requireNonNull(seriesLabels, "seriesLabels is null");
        requireNonNull(exemplarLabels, "exemplarLabels is null");
        if (labels.length == 0) {
            return Result.DISABLED;
        }
        SeriesEntry entry = series.get(seriesLabels);
        if (entry != null) {
            int newest = entry.newest;
            if (timestamps[newest] == timestamp && Double.doubleToRawLongBits(values[newest]) == Double.doubleToRawLongBits(value)
                    && labels[newest].equals(exemplarLabels)) {
                return Result.DUPLICATE;
            }
            if (timestamp <= timestamps[newest]) {
                return Result.OUT_OF_ORDER;
            }
        }
        insert(seriesLabels, exemplarLabels, timestamp, value);
        return Result.ADDED;
    }

    private void insert(Labels seriesLabels, Labels exemplarLabels, long timestamp, double value) {
        int slot = next;
        SeriesEntry evicted = owner[slot];
        if (evicted != null) {
            // The slot being overwritten holds the oldest exemplar of its series.
            int following = nextInSeries[slot];
            if (following < 0) {
                series.remove(evicted.labels);
            }
            else {
                evicted.oldest = following;
            }
            size--;
        }
        SeriesEntry entry = series.get(seriesLabels);
        if (entry == null) {
            entry = new SeriesEntry(seriesLabels);
            entry.oldest = slot;
            series.put(seriesLabels, entry);
        }
        else {
            nextInSeries[entry.newest] = slot;
        }
        entry.newest = slot;
        owner[slot] = entry;
        labels[slot] = exemplarLabels;
        values[slot] = value;
        timestamps[slot] = timestamp;
        nextInSeries[slot] = -1;
        next = (slot + 1) % labels.length;
        size++;
    }

    /**
     * Exemplars in {@code [start, end]} of the series matching any matcher set, series in label order,
     * exemplars in time order.
     */
    public synchronized List<ExemplarSeries> query(long start, long end, List<List<Matcher>> matcherSets) {
        List<ExemplarSeries> result = new ArrayList<>();
        for (SeriesEntry entry : series.values()) {
            if (!matchesAny(entry.labels, matcherSets)) {
                continue;
            }
            List<ExemplarSeries.Exemplar> found = new ArrayList<>();
            for (int index = entry.oldest; index >= 0; index = nextInSeries[index]) {
                long t = timestamps[index];
                if (t >= start && t <= end) {
                    found.add(new ExemplarSeries.Exemplar(labels[index], values[index], t));
                }
            }
            if (!found.isEmpty()) {
                result.add(new ExemplarSeries(entry.labels, found));
            }
        }
        result.sort((a, b) -> a.seriesLabels().compareTo(b.seriesLabels()));
        return result;
    }

    private static boolean matchesAny(Labels labels, List<List<Matcher>> matcherSets) {
        for (List<Matcher> set : matcherSets) {
            boolean all = true;
            for (Matcher matcher : set) {
                if (!matcher.matches(labels.get(matcher.name()))) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
