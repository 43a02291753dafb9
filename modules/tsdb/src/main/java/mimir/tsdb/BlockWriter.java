package mimir.tsdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.model.Labels;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunks.ChunkSegments;
import mimir.tsdb.chunks.ChunkWriter;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexWriter;
import mimir.tsdb.tombstones.Interval;
import mimir.tsdb.tombstones.Tombstones;
import mimir.tsdb.tombstones.TombstonesFile;

import static java.util.Objects.requireNonNull;

/**
 * Writes a {@link ChunkSeriesSet} as a new block directory {@code <dir>/<ULID>}: chunk segments,
 * index v2, {@code tombstones} and {@code meta.json}.
 *
 * <p>Atomicity: everything is written into {@code <ULID>.tmp-for-creation} (the suffix Prometheus
 * removes at start-up), every file and the directory are fsynced, then the directory is renamed to
 * {@code <ULID>} and the parent fsynced. A failure removes the temporary directory; a crash leaves at
 * most a {@code .tmp-for-creation} directory, never a partial block.
 *
 * <p>The set is read once: chunks are written as they arrive while labels and chunk metas are kept
 * in memory (one {@link Labels} and three longs per chunk), because the index needs the complete
 * symbol table before its first series. Series without chunks are skipped. Every chunk must lie in
 * {@code [minTime, maxTime)}. Not thread-safe; one writer per output directory is enough.
 */
public final class BlockWriter {
    /** Suffix of a block directory under construction. */
    public static final String TMP_SUFFIX = ".tmp-for-creation";

    private static final System.Logger LOG = System.getLogger(BlockWriter.class.getName());

    private final Path dir;
    private final long segmentSize;

    /** A writer of blocks into {@code dir} (created if missing) with 512 MiB chunk segments. */
    public BlockWriter(Path dir) {
        this(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE);
    }

    /** A writer with a custom maximum chunk segment size (tests that want several segment files). */
    public BlockWriter(Path dir, long segmentSize) {
        this.dir = requireNonNull(dir, "dir is null");
        this.segmentSize = segmentSize;
    }

    /** The directory new blocks are written into. */
    public Path dir() {
        return dir;
    }

    /** Writes a level-1 block (its only source is itself) without tombstones. */
    public BlockMeta write(ChunkSeriesSet series, long minTime, long maxTime) throws IOException {
        Ulid ulid = Ulid.generate();
        return write(ulid, series, minTime, maxTime, BlockMeta.Compaction.levelOne(ulid), Map.of());
    }

    /**
     * Writes a block and returns its meta.
     *
     * @param ulid       the new block's ID (directory name)
     * @param minTime    inclusive lower bound of the block
     * @param maxTime    exclusive upper bound of the block
     * @param compaction the meta's compaction section (level, sources, parents)
     * @param tombstones deleted intervals by series labels; entries for series not written are ignored
     * @throws IllegalArgumentException if the set is not sorted or a chunk lies outside the range
     */
    public BlockMeta write(Ulid ulid, ChunkSeriesSet series, long minTime, long maxTime, BlockMeta.Compaction compaction,
            Map<Labels, List<Interval>> tombstones) throws IOException {
        requireNonNull(ulid, "ulid is null");
        requireNonNull(series, "series is null");
        requireNonNull(compaction, "compaction is null");
        requireNonNull(tombstones, "tombstones is null");
        if (maxTime <= minTime) {
            throw new IllegalArgumentException("block range [" + minTime + ", " + maxTime + ") is empty");
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(ulid + TMP_SUFFIX);
        Path target = dir.resolve(ulid.toString());
        if (Files.exists(target)) {
            throw new IOException("block directory already exists: " + target);
        }
        deleteRecursively(tmp);
        Files.createDirectory(tmp);
        try {
            BlockMeta meta = writeContents(tmp, ulid, series, minTime, maxTime, compaction, tombstones);
            fsyncDirectory(tmp.resolve("chunks"));
            fsyncDirectory(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir);
            LOG.log(Level.DEBUG, () -> "wrote block ulid=" + ulid + " mint=" + minTime + " maxt=" + maxTime + " series="
                    + meta.stats().numSeries() + " samples=" + meta.stats().numSamples());
            return meta;
        }
        catch (IOException | RuntimeException e) {
            try {
                deleteRecursively(tmp);
            }
            catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private BlockMeta writeContents(Path blockDir, Ulid ulid, ChunkSeriesSet series, long minTime, long maxTime,
            BlockMeta.Compaction compaction, Map<Labels, List<Interval>> tombstones) throws IOException {
        List<Labels> labelsList = new ArrayList<>();
        // Per written series: index of its first chunk in the flat arrays; chunkStart[n] = chunk count.
        int[] chunkStart = new int[64];
        long[] refs = new long[256];
        long[] minTimes = new long[256];
        long[] maxTimes = new long[256];
        int chunkCount = 0;
        long sampleCount = 0;
        Set<String> symbols = new HashSet<>();
        Labels previous = null;
        Files.createDirectory(blockDir.resolve("chunks"));
        try (ChunkWriter chunkWriter = new ChunkWriter(blockDir.resolve("chunks"), segmentSize)) {
            while (series.next()) {
                Labels labels = series.labels();
                if (previous != null && previous.compareTo(labels) >= 0) {
                    throw new IllegalArgumentException("series out of order: " + labels + " after " + previous);
                }
                previous = labels;
                List<ChunkData> chunks = series.chunks();
                if (chunks.isEmpty()) {
                    continue;
                }
                if (labelsList.size() + 1 >= chunkStart.length) {
                    chunkStart = Arrays.copyOf(chunkStart, chunkStart.length * 2);
                }
                chunkStart[labelsList.size()] = chunkCount;
                labelsList.add(labels);
                for (int i = 0; i < labels.size(); i++) {
                    symbols.add(labels.name(i));
                    symbols.add(labels.value(i));
                }
                for (ChunkData chunk : chunks) {
                    if (chunk.minTime() < minTime || chunk.maxTime() >= maxTime) {
                        throw new IllegalArgumentException("chunk [" + chunk.minTime() + ", " + chunk.maxTime() + "] of " + labels
                                + " outside block range [" + minTime + ", " + maxTime + ")");
                    }
                    if (chunkCount == refs.length) {
                        refs = Arrays.copyOf(refs, chunkCount * 2);
                        minTimes = Arrays.copyOf(minTimes, chunkCount * 2);
                        maxTimes = Arrays.copyOf(maxTimes, chunkCount * 2);
                    }
                    refs[chunkCount] = chunkWriter.write(chunk.encoding(), chunk.data());
                    minTimes[chunkCount] = chunk.minTime();
                    maxTimes[chunkCount] = chunk.maxTime();
                    chunkCount++;
                    sampleCount += sampleCount(chunk);
                }
            }
        }
        chunkStart[labelsList.size()] = chunkCount;

        Tombstones stones = new Tombstones();
        String[] sortedSymbols = symbols.toArray(String[]::new);
        Arrays.sort(sortedSymbols, Labels::compareUtf8);
        try (IndexWriter index = new IndexWriter(blockDir.resolve("index"))) {
            for (String symbol : sortedSymbols) {
                index.addSymbol(symbol);
            }
            ChunkMetas metas = new ChunkMetas();
            for (int s = 0; s < labelsList.size(); s++) {
                metas.clear();
                for (int c = chunkStart[s]; c < chunkStart[s + 1]; c++) {
                    metas.add(refs[c], minTimes[c], maxTimes[c]);
                }
                Labels labels = labelsList.get(s);
                long ref = index.addSeries(labels, metas);
                for (Interval interval : tombstones.getOrDefault(labels, List.of())) {
                    stones.add(ref, interval);
                }
            }
        }
        TombstonesFile.write(blockDir, stones);
        BlockMeta meta = new BlockMeta(ulid, minTime, maxTime,
                new BlockMeta.Stats(sampleCount, labelsList.size(), chunkCount, stones.intervalCount()), compaction, Map.of());
        meta.write(blockDir);
        return meta;
    }

    /** Samples in a chunk: the XOR header's count; other encodings carry the same 2-byte header. */
    private static int sampleCount(ChunkData chunk) {
        byte[] data = chunk.data();
        if (data.length < 2) {
            throw new IllegalArgumentException("chunk of " + ChunkEncoding.name(chunk.encoding()) + " has no sample-count header");
        }
        return ((data[0] & 0xff) << 8) | (data[1] & 0xff);
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
