package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.tsdb.TestingSeries.Samples;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.index.Postings;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.tombstones.TombstonesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Compactor} and {@link Block#delete}: compacted blocks hold exactly the union of their inputs minus deletions. */
class TestCompactor {
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void compactingOverlappingBlocksGivesTheUnionWithoutDuplicates() throws IOException {
        for (int seed = 1; seed <= 6; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            TreeMap<Labels, Samples> truth = TestingSeries.random(random, 1 + random.nextInt(80), 600, START);
            // Every sample goes to one or more of three blocks, so blocks overlap in time and share identical samples.
            List<TreeMap<Labels, Samples>> parts = TestingSeries.split(truth, 3, random);
            List<Block> blocks = new ArrayList<>();
            try {
                for (TreeMap<Labels, Samples> part : parts) {
                    blocks.add(write(part, 1));
                }
                BlockMeta meta = new Compactor(dir).compact(blocks).orElseThrow();
                Path output = dir.resolve(meta.ulid().toString());
                assertThat(TestingDump.readBlock(output)).as("seed %d", seed).containsExactlyElementsOf(TestingSeries.lines(truth));
                assertThat(meta.stats().numSamples()).isEqualTo(truth.values().stream().mapToLong(Samples::size).sum());
                assertThat(meta.compaction().level()).isEqualTo(2);
                assertThat(meta.compaction().sources()).containsExactlyElementsOf(blocks.stream().map(block -> block.meta().ulid()).sorted().toList());
                assertThat(meta.compaction().parents()).containsExactlyInAnyOrderElementsOf(blocks.stream()
                        .map(block -> new BlockMeta.BlockDesc(block.meta().ulid(), block.meta().minTime(), block.meta().maxTime())).toList());
                assertThat(meta.minTime()).isEqualTo(blocks.stream().mapToLong(block -> block.meta().minTime()).min().orElseThrow());
                assertThat(meta.maxTime()).isEqualTo(blocks.stream().mapToLong(block -> block.meta().maxTime()).max().orElseThrow());
                assertChunksOf120(output);
            }
            finally {
                for (Block block : blocks) {
                    block.close();
                }
            }
        }
    }

    @Test
    void conflictingValuesKeepTheFirstBlocksValueAndLevelsAndSourcesAccumulate() throws IOException {
        Labels labels = Labels.of("__name__", "up");
        Block first = write(Map.of(labels, new Samples(new long[] {10, 20, 30}, TestingSeries.bits(1, 2, 3))), 1);
        Block second = write(Map.of(labels, new Samples(new long[] {20, 25, 40}, TestingSeries.bits(9, 5, 4))), 1);
        Block third = write(Map.of(labels, new Samples(new long[] {50}, TestingSeries.bits(6))), 2);
        BlockMeta merged = new Compactor(dir).compact(List.of(first, second)).orElseThrow();
        try (Block block = Block.open(dir.resolve(merged.ulid().toString()))) {
            assertThat(samples(block)).containsExactly("10=1.0", "20=2.0", "25=5.0", "30=3.0", "40=4.0");
            BlockMeta top = new Compactor(dir).compact(List.of(block, third)).orElseThrow();
            assertThat(top.compaction().level()).isEqualTo(3);
            List<Ulid> sources = new ArrayList<>(List.of(first.meta().ulid(), second.meta().ulid(), third.meta().ulid()));
            sources.sort(null);
            assertThat(top.compaction().sources()).containsExactlyElementsOf(sources);
        }
        finally {
            first.close();
            second.close();
            third.close();
        }
    }

    @Test
    void deletionRemovesExactlyWhatMatchersAndRangeSelectBeforeAndAfterCompaction() throws IOException {
        for (int seed = 1; seed <= 8; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            TreeMap<Labels, Samples> truth = TestingSeries.random(random, 1 + random.nextInt(120), 400, START);
            long[] range = TestingSeries.range(truth);
            Block block = write(truth, 1);
            Path blockDir = block.dir();
            int deletions = 1 + random.nextInt(3);
            for (int i = 0; i < deletions; i++) {
                List<Matcher> matchers = TestBlockQuerier.randomMatchers(random);
                long mint = range[0] + random.nextLong(range[1] - range[0]);
                long maxt = mint + random.nextLong((range[1] - range[0]) / 2 + 1);
                block.delete(mint, maxt, matchers);
                truth = TestingSeries.delete(truth, mint, maxt, matchers);
            }
            List<TestingDump.Line> expected = TestingSeries.lines(truth);
            try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(TestingSeries.drain(querier.select(true, List.of()))).as("seed %d", seed).containsExactlyElementsOf(expected);
            }
            block.close();
            // The tombstones are on disk: a reopened block still hides the deleted samples.
            block = Block.open(blockDir);
            assertThat(block.meta().stats().numTombstones()).isEqualTo(TombstonesFile.read(blockDir).intervalCount());
            try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(TestingSeries.drain(querier.select(true, List.of()))).containsExactlyElementsOf(expected);
            }
            var compacted = new Compactor(dir).compact(List.of(block));
            block.close();
            if (expected.isEmpty()) {
                assertThat(compacted).isEmpty();
                continue;
            }
            BlockMeta meta = compacted.orElseThrow();
            Path output = dir.resolve(meta.ulid().toString());
            // Physically removed: the chunks hold exactly the surviving samples and there are no tombstones.
            assertThat(TestingDump.readBlock(output)).containsExactlyElementsOf(expected);
            assertThat(meta.stats().numSamples()).isEqualTo(expected.size());
            assertThat(meta.stats().numTombstones()).isZero();
            assertThat(TombstonesFile.read(output).isEmpty()).isTrue();
        }
    }

    @Test
    void deletingEverythingCompactsToNothing() throws IOException {
        TreeMap<Labels, Samples> truth = TestingSeries.random(new SplittableRandom(5), 10, 50, START);
        try (Block block = write(truth, 1)) {
            block.delete(Long.MIN_VALUE, Long.MAX_VALUE);
            int blocksBefore = dir.toFile().list().length;
            assertThat(new Compactor(dir).compact(List.of(block))).isEmpty();
            assertThat(dir.toFile().list()).hasSize(blocksBefore);
        }
    }

    @Test
    void staleMarkersKeepTheirBitsThroughCompaction() throws IOException {
        Labels labels = Labels.of("__name__", "up");
        long[] values = {Double.doubleToRawLongBits(1), TestingSeries.STALE_NAN, 0x7FF8000000000001L};
        try (Block input = write(Map.of(labels, new Samples(new long[] {10, 20, 30}, values)), 1)) {
            BlockMeta meta = new Compactor(dir).compact(List.of(input)).orElseThrow();
            try (Block output = Block.open(dir.resolve(meta.ulid().toString()));
                    BlockQuerier querier = output.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                var set = querier.select(true, List.of());
                assertThat(set.next()).isTrue();
                BlockSampleIterator iterator = (BlockSampleIterator) set.iterator();
                List<Long> bits = new ArrayList<>();
                while (iterator.next()) {
                    bits.add(iterator.valueBits());
                }
                assertThat(bits).containsExactly(values[0], values[1], values[2]);
            }
        }
    }

    private static void assertChunksOf120(Path blockDir) throws IOException {
        try (IndexReader index = IndexReader.open(blockDir.resolve("index"));
                var chunks = mimir.tsdb.chunks.ChunkReader.open(blockDir.resolve("chunks"))) {
            Postings all = index.allPostings();
            ChunkMetas metas = new ChunkMetas();
            while (all.next()) {
                index.series(all.at(), metas);
                for (int i = 0; i < metas.size(); i++) {
                    var data = chunks.chunk(metas.ref(i)).data();
                    int count = Short.toUnsignedInt(data.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0));
                    if (i < metas.size() - 1) {
                        assertThat(count).isEqualTo(Compactor.SAMPLES_PER_CHUNK);
                    }
                    else {
                        assertThat(count).isBetween(1, Compactor.SAMPLES_PER_CHUNK);
                    }
                }
            }
        }
    }

    /** Splits each series' samples over {@code count} parts; some samples land in several parts. */
    private Block write(Map<Labels, Samples> series, int level) throws IOException {
        long[] range = TestingSeries.range(series);
        if (range[0] == Long.MAX_VALUE) {
            range = new long[] {0, 1};
        }
        Ulid ulid = Ulid.generate();
        BlockMeta.Compaction compaction = new BlockMeta.Compaction(level, List.of(ulid), List.of(), false, false, List.of(), Map.of());
        new BlockWriter(dir).write(ulid, TestingSeries.chunkSeriesSet(new TreeMap<>(series)), range[0], range[1], compaction, Map.of());
        return Block.open(dir.resolve(ulid.toString()));
    }

    private static List<String> samples(Block block) {
        List<String> result = new ArrayList<>();
        try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            var set = querier.select(true, List.of());
            while (set.next()) {
                var iterator = set.iterator();
                while (iterator.next()) {
                    result.add(iterator.timestamp() + "=" + iterator.value());
                }
            }
        }
        return result;
    }
}
