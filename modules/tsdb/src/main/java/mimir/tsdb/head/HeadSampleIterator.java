package mimir.tsdb.head;

import java.util.List;

import mimir.model.storage.SampleIterator;
import mimir.tsdb.chunkenc.XorIterator;
import mimir.tsdb.tombstones.Interval;

/**
 * Iterates the samples of a series' chunk snapshot within {@code [minTime, maxTime]}, skipping
 * deleted intervals. One {@link XorIterator} is reset per chunk; nothing is allocated per sample.
 * A corrupt chunk ends the iteration (head chunks are produced in memory, so that is a bug, not data).
 */
public final class HeadSampleIterator implements SampleIterator {
    private static final long[] NO_INTERVALS = new long[0];

    private final SeriesChunks chunks;
    private final long minTime;
    private final long maxTime;
    /** Deleted closed intervals as (min, max) pairs, ascending and disjoint. */
    private final long[] deleted;
    private final XorIterator iterator = new XorIterator();
    private int chunk = -1;
    private boolean inChunk;
    private boolean done;
    private boolean positioned;
    private int deletedIndex;

    public HeadSampleIterator(SeriesChunks chunks, long minTime, long maxTime, List<Interval> deleted) {
        this.chunks = chunks;
        this.minTime = minTime;
        this.maxTime = maxTime;
        if (deleted.isEmpty()) {
            this.deleted = NO_INTERVALS;
        }
        else {
            this.deleted = new long[deleted.size() * 2];
            for (int i = 0; i < deleted.size(); i++) {
                this.deleted[i * 2] = deleted.get(i).minTime();
                this.deleted[i * 2 + 1] = deleted.get(i).maxTime();
            }
        }
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        while (true) {
            if (!inChunk) {
                if (!nextChunk(Long.MIN_VALUE)) {
                    return finish();
                }
            }
            if (!iterator.next()) {
                inChunk = false;
                continue;
            }
            long t = iterator.timestamp();
            if (t < minTime) {
                continue;
            }
            if (t > maxTime) {
                return finish();
            }
            if (isDeleted(t)) {
                continue;
            }
            positioned = true;
            return true;
        }
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (positioned && iterator.timestamp() >= t) {
            return true;
        }
        // Skip whole chunks that end before t, then walk the chunk that may hold it.
        if (!inChunk || chunks.maxTime(chunk) < t) {
            inChunk = false;
            if (!nextChunk(t)) {
                return finish();
            }
        }
        while (true) {
            if (!next()) {
                return false;
            }
            if (iterator.timestamp() >= t) {
                return true;
            }
        }
    }

    private boolean nextChunk(long notBefore) {
        while (++chunk < chunks.size()) {
            if (chunks.maxTime(chunk) < minTime || chunks.maxTime(chunk) < notBefore) {
                continue;
            }
            if (chunks.minTime(chunk) > maxTime) {
                return false;
            }
            iterator.reset(chunks.data(chunk));
            inChunk = true;
            return true;
        }
        return false;
    }

    private boolean isDeleted(long t) {
        while (deletedIndex * 2 < deleted.length && deleted[deletedIndex * 2 + 1] < t) {
            deletedIndex++;
        }
        return deletedIndex * 2 < deleted.length && deleted[deletedIndex * 2] <= t;
    }

    private boolean finish() {
        done = true;
        positioned = false;
        return false;
    }

    @Override
    public long timestamp() {
        if (!positioned) {
            throw new IllegalStateException("iterator is not at a sample");
        }
        return iterator.timestamp();
    }

    @Override
    public double value() {
        if (!positioned) {
            throw new IllegalStateException("iterator is not at a sample");
        }
        return iterator.value();
    }
}
