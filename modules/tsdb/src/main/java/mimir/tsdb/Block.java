package mimir.tsdb;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import mimir.model.Matcher;
import mimir.model.storage.Queryable;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.chunks.ChunkReader;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.index.Postings;
import mimir.tsdb.tombstones.Interval;
import mimir.tsdb.tombstones.Tombstones;
import mimir.tsdb.tombstones.TombstonesFile;

import static java.util.Objects.requireNonNull;

/**
 * An opened, persisted block: its meta, the memory-mapped index and chunk segments, and its
 * tombstones. Thread-safe.
 *
 * <p>Lifetime: every {@link BlockQuerier} holds a reference; {@link #close()} refuses new queriers
 * and unmaps the files once the last open querier is closed, so a query in flight never reads
 * unmapped memory. Sample iterators must not be used after their querier is closed.
 *
 * <p>Deletion ({@link #delete}) only adds tombstones: the tombstones file is rewritten atomically and
 * {@code numTombstones} in {@code meta.json} updated; queries started afterwards skip the deleted
 * samples and compaction removes them physically.
 */
public final class Block implements Queryable, Closeable {
    private final Path dir;
    private final IndexReader index;
    private final ChunkReader chunks;
    /** Serialises deletions (read-modify-write of the tombstones file) without blocking queriers. */
    private final Object deleteLock = new Object();
    private volatile BlockMeta meta;
    private volatile Tombstones tombstones;
    private int openQueriers;
    private boolean closing;
    private boolean released;

    private Block(Path dir, BlockMeta meta, IndexReader index, ChunkReader chunks, Tombstones tombstones) {
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.tombstones = tombstones;
    }

    /** Opens the block in {@code dir} (a directory named by its ULID). */
    public static Block open(Path dir) throws IOException {
        requireNonNull(dir, "dir is null");
        BlockMeta meta = BlockMeta.read(dir);
        Tombstones tombstones = TombstonesFile.read(dir);
        IndexReader index = IndexReader.open(dir.resolve("index"));
        try {
            return new Block(dir, meta, index, ChunkReader.open(dir.resolve("chunks")), tombstones);
        }
        catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /**
     * A block read through readers the caller opened, e.g. over ranged reads of an object store; the
     * block owns them from now on. It has no directory, so {@link #delete} is refused.
     */
    public static Block of(BlockMeta meta, IndexReader index, ChunkReader chunks, Tombstones tombstones) {
        return new Block(null, requireNonNull(meta, "meta is null"), requireNonNull(index, "index is null"),
                requireNonNull(chunks, "chunks is null"), requireNonNull(tombstones, "tombstones is null"));
    }

    /** The block's directory; null for a block opened with {@link #of}. */
    public Path dir() {
        return dir;
    }

    public BlockMeta meta() {
        return meta;
    }

    /** The block's index (valid while the block is open). */
    public IndexReader index() {
        return index;
    }

    /** The block's chunk segments (valid while the block is open). */
    public ChunkReader chunks() {
        return chunks;
    }

    /** The current tombstones (a live object; replaced, never changed, by {@link #delete}). */
    public Tombstones tombstones() {
        return tombstones;
    }

    /** True if the block's range {@code [minTime, maxTime)} intersects the closed range {@code [mint, maxt]}. */
    public boolean overlapsClosed(long mint, long maxt) {
        return meta.minTime() <= maxt && mint < meta.maxTime();
    }

    /**
     * A querier over the samples in {@code [mint, maxt]} (inclusive).
     *
     * @throws IllegalStateException if the block is closed
     */
    @Override
    public BlockQuerier querier(long mint, long maxt) {
        acquire();
        return new BlockQuerier(this, mint, maxt);
    }

    /**
     * Marks the samples in {@code [mint, maxt]} of every series matching all matchers as deleted. The
     * recorded interval is clipped to the series' data, as Prometheus does; series without chunks in
     * the range get no tombstone.
     */
    public void delete(long mint, long maxt, List<Matcher> matchers) throws IOException {
        if (maxt < mint) {
            throw new IllegalArgumentException("delete range [" + mint + ", " + maxt + "] is empty");
        }
        if (dir == null) {
            throw new IllegalStateException("block " + meta.ulid() + " has no local directory to write tombstones to");
        }
        synchronized (deleteLock) {
            deleteLocked(mint, maxt, matchers);
        }
    }

    private void deleteLocked(long mint, long maxt, List<Matcher> matchers) throws IOException {
        acquire();
        try {
            Tombstones updated = new Tombstones();
            tombstones.forEach((ref, intervals) -> intervals.forEach(interval -> updated.add(ref, interval)));
            Postings postings = PostingsForMatchers.select(indexView(), matchers);
            ChunkMetas metas = new ChunkMetas();
            boolean changed = false;
            while (postings.next()) {
                index.series(postings.at(), metas);
                for (int i = 0; i < metas.size(); i++) {
                    if (metas.minTime(i) <= maxt && metas.maxTime(i) >= mint) {
                        long seriesMax = metas.maxTime(metas.size() - 1);
                        updated.add(postings.at(), new Interval(Math.max(metas.minTime(i), mint), Math.min(maxt, seriesMax)));
                        changed = true;
                        break;
                    }
                }
            }
            if (!changed) {
                return;
            }
            TombstonesFile.write(dir, updated);
            BlockMeta current = meta;
            BlockMeta.Stats stats = current.stats();
            BlockMeta rewritten = new BlockMeta(current.ulid(), current.minTime(), current.maxTime(),
                    new BlockMeta.Stats(stats.numSamples(), stats.numSeries(), stats.numChunks(), updated.intervalCount(), stats.extraFields()),
                    current.compaction(), current.extraFields());
            rewritten.write(dir);
            tombstones = updated;
            meta = rewritten;
        }
        finally {
            release();
        }
    }

    /** Convenience for {@link #delete(long, long, List)}. */
    public void delete(long mint, long maxt, Matcher... matchers) throws IOException {
        delete(mint, maxt, List.of(matchers));
    }

    /** The index as {@link PostingsForMatchers} sees it. */
    PostingsForMatchers.Index indexView() {
        return new PostingsForMatchers.Index() {
            @Override
            public Postings postings(String name, String value) throws IOException {
                return index.postings(name, value);
            }

            @Override
            public List<String> labelValues(String name) {
                return index.labelValues(name);
            }

            @Override
            public Postings allPostings() throws IOException {
                return index.allPostings();
            }
        };
    }

    synchronized void acquire() {
        if (closing) {
            throw new IllegalStateException("block " + meta.ulid() + " is closed");
        }
        openQueriers++;
    }

    synchronized void release() {
        openQueriers--;
        if (closing && openQueriers == 0) {
            releaseFiles();
        }
    }

    /** Refuses new queriers; the files are unmapped now or when the last open querier closes. */
    @Override
    public synchronized void close() throws IOException {
        if (closing) {
            return;
        }
        closing = true;
        if (openQueriers == 0) {
            try {
                releaseFiles();
            }
            catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private void releaseFiles() {
        if (released) {
            return;
        }
        released = true;
        try (IndexReader closingIndex = index; ChunkReader closingChunks = chunks) {
            // Both closed by try-with-resources, the second even if the first fails.
        }
        catch (IOException e) {
            throw new UncheckedIOException("closing block " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        BlockMeta current = meta;
        return "Block{" + current.ulid() + ", [" + current.minTime() + ", " + current.maxTime() + ")}";
    }
}
