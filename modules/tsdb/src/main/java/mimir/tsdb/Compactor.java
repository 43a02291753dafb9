package mimir.tsdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

import static java.util.Objects.requireNonNull;

/**
 * Merges blocks (overlapping or not) into one new block:
 *
 * <ul>
 * <li>series with equal labels are merged by time; samples with the same timestamp are kept once,
 * the value of the block that comes first in the input list winning a conflict (see
 * {@link MergeQuerier});</li>
 * <li>deleted samples (tombstones) are dropped, so the output has no tombstones; a series left
 * without samples disappears;</li>
 * <li>every series is re-encoded into XOR chunks of {@value #SAMPLES_PER_CHUNK} samples (the last
 * one shorter), stale markers and other NaN payloads bit for bit;</li>
 * <li>the meta covers the union of the input ranges, with level = max(input levels) + 1, sources =
 * the sorted union of the inputs' sources and parents = the inputs (ULID, min and max time).</li>
 * </ul>
 *
 * Input blocks stay untouched; deleting them is the caller's job once the new block is in place.
 */
public final class Compactor {
    /** Samples per output chunk, Prometheus's head chunk target. */
    public static final int SAMPLES_PER_CHUNK = 120;

    private static final System.Logger LOG = System.getLogger(Compactor.class.getName());

    private final BlockWriter writer;

    /** A compactor writing its output blocks into {@code dir}. */
    public Compactor(Path dir) {
        this(new BlockWriter(dir));
    }

    public Compactor(BlockWriter writer) {
        this.writer = requireNonNull(writer, "writer is null");
    }

    /**
     * Compacts {@code blocks} into one new block and returns its meta, or empty (and writes nothing)
     * when no sample survives.
     */
    public Optional<BlockMeta> compact(List<Block> blocks) throws IOException {
        return compact(blocks, labels -> true);
    }

    /**
     * Like {@link #compact(List)}, keeping only the series {@code keep} accepts: the split step of
     * split-and-merge compaction writes one output per shard of the inputs' series.
     */
    public Optional<BlockMeta> compact(List<Block> blocks, java.util.function.Predicate<mimir.model.Labels> keep) throws IOException {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("nothing to compact");
        }
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        int level = 0;
        TreeSet<Ulid> sources = new TreeSet<>();
        List<BlockMeta.BlockDesc> parents = new ArrayList<>();
        for (Block block : blocks) {
            BlockMeta meta = block.meta();
            minTime = Math.min(minTime, meta.minTime());
            maxTime = Math.max(maxTime, meta.maxTime());
            level = Math.max(level, meta.compaction().level());
            sources.addAll(meta.compaction().sources().isEmpty() ? List.of(meta.ulid()) : meta.compaction().sources());
            parents.add(new BlockMeta.BlockDesc(meta.ulid(), meta.minTime(), meta.maxTime()));
        }
        parents.sort(Comparator.comparingLong(BlockMeta.BlockDesc::minTime).thenComparing(BlockMeta.BlockDesc::ulid));
        BlockMeta.Compaction compaction = new BlockMeta.Compaction(level + 1, List.copyOf(sources), parents, false, false, List.of(), Map.of());

        List<BlockQuerier> queriers = new ArrayList<>(blocks.size());
        try {
            for (Block block : blocks) {
                // Block ranges are half-open, querier ranges closed.
                queriers.add(block.querier(block.meta().minTime(), block.meta().maxTime() - 1));
            }
            SeriesSet[] sets = new SeriesSet[queriers.size()];
            for (int i = 0; i < sets.length; i++) {
                sets[i] = queriers.get(i).select(true, List.of());
            }
            SeriesSet all = sets.length == 1 ? sets[0] : new MergeQuerier.MergeSeriesSet(sets);
            SeriesSet merged = new SeriesSet() {
                @Override
                public boolean next() {
                    while (all.next()) {
                        if (keep.test(all.labels())) {
                            return true;
                        }
                    }
                    return false;
                }

                @Override
                public mimir.model.Labels labels() {
                    return all.labels();
                }

                @Override
                public mimir.model.storage.SampleIterator iterator() {
                    return all.iterator();
                }
            };
            Ulid ulid = Ulid.generate();
            BlockMeta meta = writer.write(ulid, new RechunkingSeriesSet(merged), minTime, maxTime, compaction, Map.of());
            if (meta.stats().numSamples() == 0) {
                BlockWriter.deleteRecursively(writer.dir().resolve(ulid.toString()));
                LOG.log(Level.INFO, () -> "compaction produced no samples; no block written parents=" + parents.size());
                return Optional.empty();
            }
            LOG.log(Level.INFO, () -> "compacted blocks ulid=" + ulid + " parents=" + parents.size() + " level=" + compaction.level()
                    + " series=" + meta.stats().numSeries() + " samples=" + meta.stats().numSamples());
            return Optional.of(meta);
        }
        finally {
            for (BlockQuerier querier : queriers) {
                querier.close();
            }
        }
    }

    /** Decodes each merged series and re-encodes it into fresh XOR chunks. */
    private static final class RechunkingSeriesSet implements ChunkSeriesSet {
        private final SeriesSet series;
        private final List<ChunkData> chunks = new ArrayList<>();

        RechunkingSeriesSet(SeriesSet series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            if (!series.next()) {
                return false;
            }
            chunks.clear();
            SampleIterator samples = series.iterator();
            XorChunk chunk = null;
            XorAppender appender = null;
            long chunkMin = 0;
            long last = 0;
            int count = 0;
            while (samples.next()) {
                long t = samples.timestamp();
                if (count == SAMPLES_PER_CHUNK) {
                    chunks.add(new ChunkData(chunkMin, last, ChunkEncoding.XOR, chunk.bytes()));
                    count = 0;
                }
                if (count == 0) {
                    chunk = new XorChunk();
                    appender = chunk.appender();
                    chunkMin = t;
                }
                appender.appendBits(t, valueBits(samples));
                last = t;
                count++;
            }
            if (count > 0) {
                chunks.add(new ChunkData(chunkMin, last, ChunkEncoding.XOR, chunk.bytes()));
            }
            return true;
        }

        private static long valueBits(SampleIterator samples) {
            return switch (samples) {
                case MergeSampleIterator merge -> merge.valueBits();
                case BlockSampleIterator block -> block.valueBits();
                default -> Double.doubleToRawLongBits(samples.value());
            };
        }

        @Override
        public Labels labels() {
            return series.labels();
        }

        @Override
        public List<ChunkData> chunks() {
            return List.copyOf(chunks);
        }
    }
}
