package mimir.promql.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/**
 * An in-memory store of float series for tests, benchmarks and the promqltest runner. Samples may be
 * appended in any order; a sample at an existing timestamp replaces it. Not thread-safe for writes.
 */
public final class MemoryStorage implements Queryable {
    private final TreeMap<Labels, Points> series = new TreeMap<>();

    /** Adds (or replaces) one sample. */
    public void append(Labels labels, long timestamp, double value) {
        series.computeIfAbsent(labels, l -> new Points()).put(timestamp, value, false);
    }

    /**
     * Adds (or replaces) one native-histogram sample. Only its presence is kept: the engine counts such
     * samples and ignores them elsewhere (see {@link SampleIterator#histogram()}).
     */
    public void appendHistogram(Labels labels, long timestamp) {
        series.computeIfAbsent(labels, l -> new Points()).put(timestamp, Double.NaN, true);
    }

    /** Removes every series. */
    public void clear() {
        series.clear();
    }

    /** The number of series. */
    public int seriesCount() {
        return series.size();
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, List<Matcher> matchers) {
                List<Map.Entry<Labels, Points>> selected = new ArrayList<>();
                for (Map.Entry<Labels, Points> entry : series.entrySet()) {
                    if (matchesAll(entry.getKey(), matchers)) {
                        selected.add(entry);
                    }
                }
                Iterator<Map.Entry<Labels, Points>> iterator = selected.iterator();
                return new SeriesSet() {
                    private Map.Entry<Labels, Points> current;

                    @Override
                    public boolean next() {
                        current = iterator.hasNext() ? iterator.next() : null;
                        return current != null;
                    }

                    @Override
                    public Labels labels() {
                        return current.getKey();
                    }

                    @Override
                    public SampleIterator iterator() {
                        return current.getValue().iterator(mint, maxt);
                    }
                };
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
                series.keySet().stream().filter(l -> matchesAll(l, matchers)).forEach(l -> names.addAll(l.names()));
                return List.copyOf(names);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
                series.keySet().stream().filter(l -> matchesAll(l, matchers) && l.has(name)).forEach(l -> values.add(l.get(name)));
                return List.copyOf(values);
            }

            @Override
            public void close() {}
        };
    }

    private static boolean matchesAll(Labels labels, List<Matcher> matchers) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels.get(matcher.name()))) {
                return false;
            }
        }
        return true;
    }

    /** One series' samples, kept sorted by timestamp in growable primitive arrays. */
    private static final class Points {
        private long[] timestamps = new long[8];
        private double[] values = new double[8];
        // Which samples are native histograms; null until the first one.
        private boolean[] histograms;
        private int size;

        void put(long t, double v, boolean histogram) {
            if (histogram && histograms == null) {
                histograms = new boolean[timestamps.length];
            }
            int index = Arrays.binarySearch(timestamps, 0, size, t);
            if (index >= 0) {
                values[index] = v;
                if (histograms != null) {
                    histograms[index] = histogram;
                }
                return;
            }
            int insert = -index - 1;
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                values = Arrays.copyOf(values, size * 2);
                if (histograms != null) {
                    histograms = Arrays.copyOf(histograms, size * 2);
                }
            }
            System.arraycopy(timestamps, insert, timestamps, insert + 1, size - insert);
            System.arraycopy(values, insert, values, insert + 1, size - insert);
            timestamps[insert] = t;
            values[insert] = v;
            if (histograms != null) {
                System.arraycopy(histograms, insert, histograms, insert + 1, size - insert);
                histograms[insert] = histogram;
            }
            size++;
        }

        SampleIterator iterator(long mint, long maxt) {
            int start = Arrays.binarySearch(timestamps, 0, size, mint);
            int first = start >= 0 ? start : -start - 1;
            return new SampleIterator() {
                private int position = first - 1;

                @Override
                public boolean next() {
                    if (position + 1 < size && timestamps[position + 1] <= maxt) {
                        position++;
                        return true;
                    }
                    position = size;
                    return false;
                }

                @Override
                public boolean seek(long t) {
                    if (position < first) {
                        position = first;
                    }
                    while (position < size && timestamps[position] < t) {
                        position++;
                    }
                    return position < size && timestamps[position] <= maxt;
                }

                @Override
                public long timestamp() {
                    return timestamps[position];
                }

                @Override
                public double value() {
                    return values[position];
                }

                @Override
                public boolean histogram() {
                    return histograms != null && histograms[position];
                }
            };
        }
    }
}
