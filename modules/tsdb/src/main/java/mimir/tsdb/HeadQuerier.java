package mimir.tsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.head.HeadSampleIterator;
import mimir.tsdb.head.MemSeries;
import mimir.tsdb.head.SeriesChunks;
import mimir.tsdb.index.Postings;
import mimir.tsdb.tombstones.Interval;

import static java.util.Objects.requireNonNull;

/**
 * Reads the head within {@code [mint, maxt]} (inclusive). A series is returned only if it has samples
 * in the range that are not all deleted; its chunks are taken (closed ones by reference, the open one as
 * a copy) when the set advances to it, and every {@link SeriesSet#iterator()} over them decodes with one
 * reused {@link mimir.tsdb.chunkenc.XorIterator}, allocating nothing per sample. Label names and
 * values come from the index and, as in Prometheus's head, do not look at the time range.
 */
public final class HeadQuerier implements Querier {
    private final Head head;
    private final long mint;
    private final long maxt;

    HeadQuerier(Head head, long mint, long maxt) {
        this.head = requireNonNull(head, "head is null");
        this.mint = mint;
        this.maxt = maxt;
    }

    public long mint() {
        return mint;
    }

    public long maxt() {
        return maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        List<MemSeries> selected = selectSeries(matchers);
        if (sorted) {
            selected.sort((a, b) -> a.labels().compareTo(b.labels()));
        }
        return new HeadSeriesSet(selected);
    }

    private List<MemSeries> selectSeries(List<Matcher> matchers) {
        Postings refs = head.postings().select(requireNonNull(matchers, "matchers is null"));
        List<MemSeries> selected = new ArrayList<>();
        while (refs.next()) {
            MemSeries series = head.series(refs.at());
            if (series != null) {
                selected.add(series);
            }
        }
        return selected;
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            return head.postings().labelNames();
        }
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        for (MemSeries series : selectSeries(matchers)) {
            Labels labels = series.labels();
            for (int i = 0; i < labels.size(); i++) {
                names.add(labels.name(i));
            }
        }
        return List.copyOf(names);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            return head.postings().labelValues(name);
        }
        TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
        for (MemSeries series : selectSeries(matchers)) {
            String value = series.labels().get(name);
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        return List.copyOf(values);
    }

    @Override
    public void close() {
        // Nothing is held: chunk snapshots are taken per series.
    }

    private final class HeadSeriesSet implements SeriesSet {
        private final List<MemSeries> series;
        private int index = -1;
        private Labels labels;
        private SeriesChunks chunks;
        private List<Interval> deleted;

        HeadSeriesSet(List<MemSeries> series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            while (++index < series.size()) {
                MemSeries current = series.get(index);
                SeriesChunks snapshot = new SeriesChunks();
                synchronized (current) {
                    current.chunks(mint, maxt, snapshot);
                }
                if (snapshot.size() == 0) {
                    continue;
                }
                List<Interval> intervals = head.deletedIntervals(current.ref());
                if (!intervals.isEmpty() && allDeleted(snapshot, intervals)) {
                    continue;
                }
                labels = current.labels();
                chunks = snapshot;
                deleted = intervals;
                return true;
            }
            labels = null;
            chunks = null;
            return false;
        }

        /** True if every chunk's range, clipped to the query, lies inside one deleted interval. */
        private boolean allDeleted(SeriesChunks snapshot, List<Interval> intervals) {
            for (int i = 0; i < snapshot.size(); i++) {
                long from = Math.max(mint, snapshot.minTime(i));
                long to = Math.min(maxt, snapshot.maxTime(i));
                boolean covered = false;
                for (Interval interval : intervals) {
                    if (interval.minTime() <= from && interval.maxTime() >= to) {
                        covered = true;
                        break;
                    }
                }
                if (!covered) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Labels labels() {
            if (labels == null) {
                throw new IllegalStateException("no current series");
            }
            return labels;
        }

        @Override
        public SampleIterator iterator() {
            if (chunks == null) {
                throw new IllegalStateException("no current series");
            }
            return new HeadSampleIterator(chunks, mint, maxt, deleted);
        }
    }
}
