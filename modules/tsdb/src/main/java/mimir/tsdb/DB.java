package mimir.tsdb;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;

import static java.util.Objects.requireNonNull;

/**
 * The storage engine over one data directory, Prometheus's {@code tsdb.DB}: a {@link Head} (with its
 * WAL under {@code dir/wal}) for recent samples and the persisted {@link Block}s ({@code dir/<ULID>}).
 *
 * <p><b>Opening.</b> {@link #open} removes leftovers of interrupted writes ({@code *.tmp-for-creation},
 * {@code *.tmp-for-deletion}) and blocks already merged into another block (a block named among another
 * block's {@code compaction.parents}, or marked {@code deletable}), loads the remaining blocks, replays
 * the WAL into the head and makes the head reject samples before the newest block's end. Samples the
 * WAL still holds below that end (a crash between writing a block and truncating the head) are
 * truncated from the head right away, so nothing is returned or persisted twice.
 *
 * <p><b>Head compaction.</b> {@link #compactHead()} persists, while the head spans more than 1.5 block
 * ranges, its oldest aligned range {@code [start, start + range)} as a level-1 block, opens it, and only
 * then truncates the head: a crash in between leaves the samples in both, which the next open resolves
 * as above. Blocks without samples are not kept.
 *
 * <p><b>Compaction.</b> {@link #compact()} merges every group of time-overlapping blocks with
 * {@link Compactor} (vertical compaction). The merged block becomes visible atomically (directory
 * rename) and names its inputs as parents; the inputs are then removed from the block list, closed
 * (unmapped after their last querier) and deleted. A crash before deletion leaves the inputs, which the
 * next {@link #open} deletes because they are parents of the merged block.
 *
 * <p><b>Reading.</b> {@link #querier} merges the head (first: it wins same-timestamp conflicts) and the
 * blocks overlapping the range, blocks in (minTime, ULID) order, the same order compaction merges them
 * in, so a query answers the same before and after compaction. A querier keeps the blocks it reads
 * open even if compaction replaces them meanwhile.
 *
 * <p><b>Threads.</b> Appenders and queriers may be used from any number of threads. Head compaction,
 * block compaction and deletion are serialised with each other (so a deletion never races a
 * compaction that would drop it). With {@link DbOptions#backgroundCompaction()} one daemon thread
 * runs {@link #compactHead()} and {@link #compact()} periodically.
 *
 * <p>Known limit: a batch whose appender started before a head compaction may still commit samples
 * into the range being persisted (Prometheus waits for such appenders through isolation; we do not);
 * such samples are lost at truncation. The head's own bound (newest sample minus half a block range,
 * while compaction waits for 1.5 ranges) makes this need a batch held open for over half a range.
 */
public final class DB implements Queryable, Closeable {
    /** Suffix of a block directory being deleted (renamed first so a crash never leaves half a block). */
    public static final String DELETION_SUFFIX = ".tmp-for-deletion";

    private static final System.Logger LOG = System.getLogger(DB.class.getName());
    private static final Comparator<Block> BLOCK_ORDER = Comparator.<Block>comparingLong(block -> block.meta().minTime())
            .thenComparing(block -> block.meta().ulid());

    private final Path dir;
    private final DbOptions options;
    private final Head head;
    /** Serialises head compaction, block compaction, deletion and close. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    /** Read: opening block queriers; write: swapping the block list and closing replaced blocks. */
    private final ReentrantReadWriteLock blocksLock = new ReentrantReadWriteLock();
    private volatile List<Block> blocks;
    private final ScheduledExecutorService background;
    private boolean closed;

    private DB(Path dir, DbOptions options, Head head, List<Block> blocks) {
        this.dir = dir;
        this.options = options;
        this.head = head;
        this.blocks = List.copyOf(blocks);
        if (options.backgroundCompaction()) {
            background = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tsdb-compaction").daemon().factory());
            long interval = options.compactionInterval().toMillis();
            background.scheduleWithFixedDelay(this::backgroundCompaction, interval, interval, TimeUnit.MILLISECONDS);
        }
        else {
            background = null;
        }
    }

    /**
     * Opens (creating if needed) the data directory {@code dir}: cleans up, loads blocks, replays the WAL.
     */
    public static DB open(Path dir, DbOptions options) throws IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(options, "options is null");
        Files.createDirectories(dir);
        List<Block> blocks = loadBlocks(dir);
        Head head;
        try {
            head = Head.open(dir, options.head());
            long newestEnd = Long.MIN_VALUE;
            for (Block block : blocks) {
                newestEnd = Math.max(newestEnd, block.meta().maxTime());
            }
            if (newestEnd != Long.MIN_VALUE) {
                head.setMinValidTime(newestEnd);
                if (head.minTime() < newestEnd) {
                    LOG.log(Level.INFO, "head holds samples already persisted, truncating mint=" + newestEnd);
                    head.truncate(newestEnd);
                }
            }
        }
        catch (IOException | RuntimeException e) {
            closeAll(blocks, e);
            throw e;
        }
        blocks.sort(BLOCK_ORDER);
        LOG.log(Level.INFO, "opened tsdb dir=" + dir + " blocks=" + blocks.size() + " headSeries=" + head.numSeries());
        return new DB(dir, options, head, blocks);
    }

    private static List<Block> loadBlocks(Path dir) throws IOException {
        List<Block> blocks = new ArrayList<>();
        try {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.endsWith(BlockWriter.TMP_SUFFIX) || name.endsWith(DELETION_SUFFIX)) {
                        LOG.log(Level.INFO, "removing leftover of an interrupted write dir=" + entry);
                        BlockWriter.deleteRecursively(entry);
                        continue;
                    }
                    if (!Files.isDirectory(entry) || !Files.exists(entry.resolve(BlockMeta.FILE_NAME)) || !isUlid(name)) {
                        continue;
                    }
                    blocks.add(Block.open(entry));
                }
            }
            Set<Ulid> merged = new HashSet<>();
            for (Block block : blocks) {
                for (BlockMeta.BlockDesc parent : block.meta().compaction().parents()) {
                    merged.add(parent.ulid());
                }
            }
            List<Block> kept = new ArrayList<>();
            for (Block block : blocks) {
                BlockMeta meta = block.meta();
                if (merged.contains(meta.ulid()) || meta.compaction().deletable()) {
                    LOG.log(Level.INFO, "removing block already compacted into another ulid=" + meta.ulid());
                    block.close();
                    deleteBlockDir(block.dir());
                }
                else {
                    kept.add(block);
                }
            }
            return kept;
        }
        catch (IOException | RuntimeException e) {
            closeAll(blocks, e);
            throw e;
        }
    }

    private static boolean isUlid(String name) {
        try {
            Ulid.parse(name);
            return true;
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void closeAll(List<Block> blocks, Exception failure) {
        for (Block block : blocks) {
            try {
                block.close();
            }
            catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public DbOptions options() {
        return options;
    }

    /** The head (for inspection; write through {@link #appender()}). */
    public Head head() {
        return head;
    }

    /** The current blocks in (minTime, ULID) order; a later compaction may close them. */
    public List<Block> blocks() {
        return blocks;
    }

    /** A new batch of appends to the head. */
    public HeadAppender appender() {
        return head.appender();
    }

    /**
     * A querier over {@code [mint, maxt]} (inclusive) merging the head and every block overlapping the
     * range. Close it to release the blocks.
     */
    @Override
    public Querier querier(long mint, long maxt) {
        List<Querier> queriers = new ArrayList<>();
        queriers.add(head.querier(mint, maxt));
        blocksLock.readLock().lock();
        try {
            for (Block block : blocks) {
                if (block.overlapsClosed(mint, maxt)) {
                    queriers.add(block.querier(mint, maxt));
                }
            }
        }
        finally {
            blocksLock.readLock().unlock();
        }
        return queriers.size() == 1 ? queriers.getFirst() : new MergeQuerier(queriers);
    }

    /**
     * Deletes the samples in {@code [mint, maxt]} of every series matching all matchers, in the head
     * (WAL tombstones) and in every overlapping block (tombstones files). Queriers opened afterwards do
     * not return them; compaction removes them physically.
     */
    public void delete(long mint, long maxt, List<Matcher> matchers) throws IOException {
        requireNonNull(matchers, "matchers is null");
        compactionLock.lock();
        try {
            checkOpen();
            head.delete(mint, maxt, matchers.toArray(Matcher[]::new));
            for (Block block : blocks) {
                if (block.overlapsClosed(mint, maxt)) {
                    block.delete(mint, maxt, matchers);
                }
            }
        }
        finally {
            compactionLock.unlock();
        }
    }

    public void delete(long mint, long maxt, Matcher... matchers) throws IOException {
        delete(mint, maxt, List.of(matchers));
    }

    /**
     * Persists the head's oldest block range while the head spans more than 1.5 block ranges, then
     * truncates the head. Returns the metas of the blocks written (none if the head is short enough or
     * the range held no samples).
     */
    public List<BlockMeta> compactHead() throws IOException {
        return compactHead(false);
    }

    /**
     * Persists the whole head, every aligned block range up to and including the one holding its newest
     * sample, as level-1 blocks and truncates it (Mimir's forced compaction for flush and shutdown). The
     * last block ends right after the newest sample instead of at its range's end, so afterwards the head
     * rejects only samples not newer than what was persisted: a flush does not refuse the current samples
     * of the rest of the range.
     */
    public List<BlockMeta> compactHeadFully() throws IOException {
        return compactHead(true);
    }

    private List<BlockMeta> compactHead(boolean full) throws IOException {
        compactionLock.lock();
        try {
            checkOpen();
            List<BlockMeta> written = new ArrayList<>();
            long range = options.blockRange();
            while (true) {
                long headMin = head.minTime();
                long headMax = head.maxTime();
                if (headMin > headMax || (!full && headMax - headMin <= range + range / 2)) {
                    return written;
                }
                long maxt = rangeEnd(headMin, range);
                long mint = Math.min(headMin, maxt - range);
                if (full && headMax < maxt) {
                    maxt = headMax + 1;
                }
                head.setMinValidTime(maxt);
                persistHead(mint, maxt).ifPresent(written::add);
                head.truncate(maxt);
            }
        }
        finally {
            compactionLock.unlock();
        }
    }

    /** End of the aligned range holding {@code t}, the way the head aligns its chunks. */
    static long rangeEnd(long t, long range) {
        return (t / range) * range + range;
    }

    /**
     * Writes the head's chunks inside {@code [mint, maxt)} as a level-1 block and adds it to the block
     * list, without truncating the head (package-private so tests can stop here, as a crash would).
     */
    Optional<BlockMeta> persistHead(long mint, long maxt) throws IOException {
        BlockMeta meta = new BlockWriter(dir).write(head.chunkSeriesSet(mint, maxt), mint, maxt);
        Path blockDir = dir.resolve(meta.ulid().toString());
        if (meta.stats().numSamples() == 0) {
            BlockWriter.deleteRecursively(blockDir);
            LOG.log(Level.DEBUG, () -> "head range had no samples; no block written mint=" + mint + " maxt=" + maxt);
            return Optional.empty();
        }
        swapBlocks(List.of(), Block.open(blockDir));
        LOG.log(Level.INFO, "persisted head range ulid=" + meta.ulid() + " mint=" + mint + " maxt=" + maxt + " series="
                + meta.stats().numSeries() + " samples=" + meta.stats().numSamples());
        return Optional.of(meta);
    }

    /**
     * Merges every group of blocks whose time ranges overlap into one block and deletes the inputs.
     * Returns the metas of the merged blocks.
     */
    public List<BlockMeta> compact() throws IOException {
        compactionLock.lock();
        try {
            checkOpen();
            List<BlockMeta> written = new ArrayList<>();
            for (List<Block> group : overlappingGroups(blocks)) {
                Optional<BlockMeta> merged = new Compactor(dir).compact(group);
                Block output = merged.isPresent() ? Block.open(dir.resolve(merged.get().ulid().toString())) : null;
                swapBlocks(group, output);
                merged.ifPresent(written::add);
                for (Block input : group) {
                    deleteBlockDir(input.dir());
                }
            }
            return written;
        }
        finally {
            compactionLock.unlock();
        }
    }

    /**
     * Removes the blocks whose meta matches {@code doomed} from the block list and deletes their
     * directories (queriers still reading one keep it until closed), e.g. blocks past a retention
     * period that were already uploaded. Returns the metas of the deleted blocks.
     */
    public List<BlockMeta> deleteBlocks(java.util.function.Predicate<BlockMeta> doomed) throws IOException {
        requireNonNull(doomed, "doomed is null");
        compactionLock.lock();
        try {
            checkOpen();
            List<Block> removed = new ArrayList<>();
            for (Block block : blocks) {
                if (doomed.test(block.meta())) {
                    removed.add(block);
                }
            }
            if (removed.isEmpty()) {
                return List.of();
            }
            swapBlocks(removed, null);
            List<BlockMeta> deleted = new ArrayList<>();
            for (Block block : removed) {
                deleteBlockDir(block.dir());
                deleted.add(block.meta());
            }
            LOG.log(Level.INFO, "deleted blocks dir=" + dir + " blocks=" + deleted.size());
            return deleted;
        }
        finally {
            compactionLock.unlock();
        }
    }

    /** Groups (of two or more) of blocks overlapping in time, each in block order. */
    static List<List<Block>> overlappingGroups(List<Block> sorted) {
        List<List<Block>> groups = new ArrayList<>();
        List<Block> group = new ArrayList<>();
        long groupEnd = Long.MIN_VALUE;
        for (Block block : sorted) {
            if (!group.isEmpty() && block.meta().minTime() >= groupEnd) {
                if (group.size() > 1) {
                    groups.add(group);
                }
                group = new ArrayList<>();
                groupEnd = Long.MIN_VALUE;
            }
            group.add(block);
            groupEnd = Math.max(groupEnd, block.meta().maxTime());
        }
        if (group.size() > 1) {
            groups.add(group);
        }
        return groups;
    }

    /** Replaces {@code removed} by {@code added} (may be null) in the block list and closes the removed. */
    private void swapBlocks(List<Block> removed, Block added) throws IOException {
        blocksLock.writeLock().lock();
        try {
            List<Block> updated = new ArrayList<>(blocks);
            updated.removeAll(removed);
            if (added != null) {
                updated.add(added);
            }
            updated.sort(BLOCK_ORDER);
            blocks = List.copyOf(updated);
            for (Block block : removed) {
                // Unmapped once the last querier that still reads it is closed.
                block.close();
            }
        }
        finally {
            blocksLock.writeLock().unlock();
        }
    }

    /** Renames the directory out of the way first, so a crash mid-delete never leaves a partial block. */
    private static void deleteBlockDir(Path blockDir) throws IOException {
        Path doomed = blockDir.resolveSibling(blockDir.getFileName() + DELETION_SUFFIX);
        Files.move(blockDir, doomed, StandardCopyOption.ATOMIC_MOVE);
        BlockWriter.fsyncDirectory(blockDir.getParent());
        BlockWriter.deleteRecursively(doomed);
    }

    private void backgroundCompaction() {
        try {
            compactHead();
            compact();
        }
        catch (IllegalStateException e) {
            // Closed meanwhile.
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "background compaction failed dir=" + dir + " err=\"" + e.getMessage() + "\"", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("db " + dir + " is closed");
        }
    }

    /** Stops background compaction (waiting for a run in progress), closes the head (WAL) and blocks. */
    @Override
    public void close() throws IOException {
        if (background != null) {
            background.shutdown();
        }
        compactionLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            try {
                head.close();
            }
            catch (IOException e) {
                failure = e;
            }
            blocksLock.writeLock().lock();
            try {
                for (Block block : blocks) {
                    try {
                        block.close();
                    }
                    catch (IOException e) {
                        if (failure == null) {
                            failure = e;
                        }
                        else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            }
            finally {
                blocksLock.writeLock().unlock();
            }
            if (failure != null) {
                throw failure;
            }
        }
        finally {
            compactionLock.unlock();
        }
    }
}
