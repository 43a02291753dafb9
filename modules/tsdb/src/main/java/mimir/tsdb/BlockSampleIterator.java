package mimir.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;

import mimir.model.storage.SampleIterator;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorIterator;
import mimir.tsdb.chunks.Chunk;
import mimir.tsdb.chunks.ChunkReader;
import mimir.tsdb.encoding.CorruptionException;

/**
 * The samples of one block series within {@code [minTime, maxTime]}, minus deleted intervals:
 * decodes the series' XOR chunks one after the other with a single reused {@link XorIterator}.
 * Chunks ending before a seek target are skipped without decoding. Allocates per chunk (the chunk
 * view), never per sample. I/O and corruption surface as {@link UncheckedIOException}.
 */
final class BlockSampleIterator implements SampleIterator {
    private final ChunkReader chunks;
    private final long[] refs;
    private final long[] chunkMaxTimes;
    private final int chunkCount;
    /** Deleted intervals as sorted, non-overlapping closed pairs {@code [min0, max0, min1, max1, ...]}. */
    private final long[] deleted;
    private final long minTime;
    private final long maxTime;
    private final XorIterator iterator = new XorIterator();
    private int chunk = -1;
    private int interval;
    private boolean exhausted;
    private boolean positioned;

    BlockSampleIterator(ChunkReader chunks, long[] refs, long[] chunkMaxTimes, int chunkCount, long[] deleted, long minTime, long maxTime) {
        this.chunks = chunks;
        this.refs = refs;
        this.chunkMaxTimes = chunkMaxTimes;
        this.chunkCount = chunkCount;
        this.deleted = deleted;
        this.minTime = minTime;
        this.maxTime = maxTime;
    }

    @Override
    public boolean next() {
        if (exhausted) {
            return false;
        }
        if (chunk < 0 && !advanceChunk(minTime)) {
            return false;
        }
        while (true) {
            if (!iterator.next()) {
                checkFailure();
                if (!advanceChunk(minTime)) {
                    return false;
                }
                continue;
            }
            long t = iterator.timestamp();
            if (t < minTime) {
                continue;
            }
            if (t > maxTime) {
                exhausted = true;
                positioned = false;
                return false;
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
        if (exhausted) {
            return false;
        }
        if (positioned && iterator.timestamp() >= t) {
            return true;
        }
        long target = Math.max(t, minTime);
        if (chunk < 0 || chunkMaxTimes[chunk] < target) {
            if (!advanceChunk(target)) {
                return false;
            }
        }
        while (next()) {
            if (iterator.timestamp() >= target) {
                return true;
            }
        }
        return false;
    }

    /** Moves to the next chunk that may hold samples at or after {@code from}; false at the end. */
    private boolean advanceChunk(long from) {
        positioned = false;
        do {
            chunk++;
        }
        while (chunk < chunkCount && chunkMaxTimes[chunk] < from);
        if (chunk >= chunkCount) {
            exhausted = true;
            return false;
        }
        try {
            Chunk data = chunks.chunk(refs[chunk]);
            if (data.encoding() != ChunkEncoding.XOR) {
                throw new CorruptionException("chunk " + refs[chunk] + " has encoding " + ChunkEncoding.name(data.encoding())
                        + "; only XOR float chunks are supported");
            }
            iterator.reset(data.data());
        }
        catch (IOException e) {
            throw new UncheckedIOException("reading chunk " + refs[chunk] + ": " + e.getMessage(), e);
        }
        return true;
    }

    private void checkFailure() {
        if (iterator.failure() != null) {
            throw new UncheckedIOException("decoding chunk " + refs[chunk] + ": " + iterator.failure().getMessage(), iterator.failure());
        }
    }

    /** Timestamps only grow, so the interval cursor only moves forward. */
    private boolean isDeleted(long t) {
        while (interval < deleted.length && deleted[interval + 1] < t) {
            interval += 2;
        }
        return interval < deleted.length && deleted[interval] <= t;
    }

    @Override
    public long timestamp() {
        return iterator.timestamp();
    }

    @Override
    public double value() {
        return iterator.value();
    }

    /** The current value's raw bits (exact NaN payloads, e.g. stale markers). */
    long valueBits() {
        return iterator.valueBits();
    }
}
