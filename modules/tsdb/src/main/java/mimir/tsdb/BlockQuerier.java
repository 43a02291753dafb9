package mimir.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.index.Postings;
import mimir.tsdb.tombstones.Interval;
import mimir.tsdb.tombstones.Tombstones;

/**
 * Reads one {@link Block} within {@code [mint, maxt]} (inclusive). Series come in ascending label
 * order whether or not sorting was asked for (index order is label order). A series is returned if
 * it has a chunk overlapping the range that is not entirely deleted; its iterator yields only samples
 * in the range and outside deleted intervals. Tombstones are those of the block when the querier was
 * opened. Label names and values come from the whole block, not just the range (as Prometheus).
 *
 * <p>I/O errors and corruption surface as {@link UncheckedIOException} (the {@link Querier}
 * interface has no checked exceptions). Not thread-safe: one querier per query.
 */
public final class BlockQuerier implements Querier {
    private static final long[] NONE_DELETED = new long[0];

    private final Block block;
    private final IndexReader index;
    private final Tombstones tombstones;
    private final long mint;
    private final long maxt;
    private boolean closed;

    BlockQuerier(Block block, long mint, long maxt) {
        this.block = block;
        this.index = block.index();
        this.tombstones = block.tombstones();
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        checkOpen();
        if (mint > maxt || !block.overlapsClosed(mint, maxt)) {
            return EmptySeriesSet.INSTANCE;
        }
        return new BlockSeriesSet(postings(matchers));
    }

    private Postings postings(List<Matcher> matchers) {
        try {
            return PostingsForMatchers.select(block.indexView(), matchers);
        }
        catch (IOException e) {
            throw new UncheckedIOException("selecting series of block " + block.meta().ulid() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        checkOpen();
        if (matchers.isEmpty()) {
            return index.labelNames();
        }
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        forEachSeries(matchers, labels -> {
            for (int i = 0; i < labels.size(); i++) {
                names.add(labels.name(i));
            }
        });
        return List.copyOf(names);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        checkOpen();
        if (matchers.isEmpty()) {
            return index.labelValues(name);
        }
        TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
        forEachSeries(matchers, labels -> {
            String value = labels.get(name);
            if (!value.isEmpty()) {
                values.add(value);
            }
        });
        return List.copyOf(values);
    }

    private void forEachSeries(List<Matcher> matchers, java.util.function.Consumer<Labels> consumer) {
        Postings postings = postings(matchers);
        ChunkMetas metas = new ChunkMetas();
        try {
            while (postings.next()) {
                consumer.accept(index.series(postings.at(), metas));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("reading series of block " + block.meta().ulid() + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("querier is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            block.release();
        }
    }

    /** Deleted intervals of a series as flat closed pairs, or {@link #NONE_DELETED}. */
    private long[] deletedIntervals(long ref) {
        if (tombstones.isEmpty()) {
            return NONE_DELETED;
        }
        List<Interval> intervals = tombstones.get(ref);
        if (intervals.isEmpty()) {
            return NONE_DELETED;
        }
        long[] flat = new long[intervals.size() * 2];
        for (int i = 0; i < intervals.size(); i++) {
            flat[2 * i] = intervals.get(i).minTime();
            flat[2 * i + 1] = intervals.get(i).maxTime();
        }
        return flat;
    }

    private static boolean covered(long[] deleted, long minTime, long maxTime) {
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= minTime && maxTime <= deleted[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private final class BlockSeriesSet implements SeriesSet {
        private final Postings postings;
        private final ChunkMetas metas = new ChunkMetas();
        private Labels labels;
        private long[] refs;
        private long[] maxTimes;
        private int chunkCount;
        private long[] deleted;

        BlockSeriesSet(Postings postings) {
            this.postings = postings;
        }

        @Override
        public boolean next() {
            try {
                while (postings.next()) {
                    long ref = postings.at();
                    Labels current = index.series(ref, metas);
                    long[] deletedHere = deletedIntervals(ref);
                    int kept = 0;
                    long[] keptRefs = null;
                    long[] keptMaxTimes = null;
                    for (int i = 0; i < metas.size(); i++) {
                        long chunkMin = metas.minTime(i);
                        long chunkMax = metas.maxTime(i);
                        if (chunkMax < mint || chunkMin > maxt || covered(deletedHere, chunkMin, chunkMax)) {
                            continue;
                        }
                        if (keptRefs == null) {
                            keptRefs = new long[metas.size() - i];
                            keptMaxTimes = new long[metas.size() - i];
                        }
                        keptRefs[kept] = metas.ref(i);
                        keptMaxTimes[kept] = chunkMax;
                        kept++;
                    }
                    if (kept == 0) {
                        continue;
                    }
                    labels = current;
                    refs = keptRefs;
                    maxTimes = keptMaxTimes;
                    chunkCount = kept;
                    deleted = deletedHere;
                    return true;
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("reading series of block " + block.meta().ulid() + ": " + e.getMessage(), e);
            }
            labels = null;
            return false;
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
            labels();
            // The arrays belong to this series only (next() allocates new ones), so the iterator may outlive it.
            return new BlockSampleIterator(block.chunks(), refs, maxTimes, chunkCount, deleted, mint, maxt);
        }

        @Override
        public String toString() {
            return "BlockSeriesSet{" + block + ", labels=" + labels + ", chunks=" + (refs == null ? "[]" : Arrays.toString(Arrays.copyOf(refs, chunkCount))) + "}";
        }
    }

    /** A series set without series. */
    static final class EmptySeriesSet implements SeriesSet {
        static final EmptySeriesSet INSTANCE = new EmptySeriesSet();

        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Labels labels() {
            throw new IllegalStateException("no current series");
        }

        @Override
        public SampleIterator iterator() {
            throw new IllegalStateException("no current series");
        }
    }
}
