package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.TestingSeries.Samples;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunks.ChunkSegments;
import mimir.tsdb.testing.TestingDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks written by {@link BlockWriter} and read through {@link Block} / {@link BlockQuerier}, against the in-memory model. */
class TestBlockQuerier {
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void randomBlocksReadBackExactly() throws IOException {
        for (int seed = 1; seed <= 8; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            TreeMap<Labels, Samples> series = TestingSeries.random(random, 1 + random.nextInt(150), 300, START);
            long[] range = TestingSeries.range(series);
            // Small segments so that chunk refs span several segment files.
            BlockMeta meta = new BlockWriter(dir, 2048).write(TestingSeries.chunkSeriesSet(series), range[0], range[1]);
            Path blockDir = dir.resolve(meta.ulid().toString());
            assertThat(BlockMeta.read(blockDir)).isEqualTo(meta);
            long expectedSeries = series.values().stream().filter(samples -> samples.size() > 0).count();
            long expectedSamples = series.values().stream().mapToLong(Samples::size).sum();
            assertThat(meta.stats().numSeries()).isEqualTo(expectedSeries);
            assertThat(meta.stats().numSamples()).isEqualTo(expectedSamples);
            assertThat(meta.stats().numChunks()).isEqualTo(series.values().stream().mapToLong(s -> (s.size() + 119) / 120).sum());
            assertThat(meta.compaction().level()).isEqualTo(1);
            assertThat(meta.compaction().sources()).containsExactly(meta.ulid());
            assertThat(TestingDump.readBlock(blockDir)).containsExactlyElementsOf(TestingSeries.lines(series));

            try (Block block = Block.open(blockDir)) {
                try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    assertThat(TestingSeries.drain(querier.select(false, List.of()))).containsExactlyElementsOf(TestingSeries.lines(series));
                }
                for (int i = 0; i < 5; i++) {
                    long mint = range[0] + random.nextLong(range[1] - range[0]);
                    long maxt = mint + random.nextLong(range[1] - mint + 1000);
                    try (BlockQuerier querier = block.querier(mint, maxt)) {
                        assertThat(TestingSeries.drain(querier.select(true, List.of())))
                                .as("seed %d range [%d, %d]", seed, mint, maxt)
                                .containsExactlyElementsOf(TestingSeries.lines(series, mint, maxt, List.of()));
                    }
                }
            }
        }
    }

    @Test
    void seriesWithoutChunksAreNotWrittenAndTheTemporaryDirectoryIsGone() throws IOException {
        TreeMap<Labels, Samples> series = new TreeMap<>();
        series.put(Labels.of("__name__", "empty"), new Samples(new long[0], new long[0]));
        series.put(Labels.of("__name__", "full"), new Samples(new long[] {10, 20}, new long[] {0, 0}));
        BlockMeta meta = new BlockWriter(dir).write(TestingSeries.chunkSeriesSet(series), 0, 100);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly(meta.ulid().toString());
        }
        assertThat(meta.stats().numSeries()).isEqualTo(1);
        try (Block block = Block.open(dir.resolve(meta.ulid().toString()));
                BlockQuerier querier = block.querier(0, 100)) {
            assertThat(TestingSeries.labels(querier.select(true, List.of()))).containsExactly(Labels.of("__name__", "full"));
            assertThat(querier.labelValues("__name__", List.of())).containsExactly("full");
        }
    }

    @Test
    void writerRejectsChunksOutsideTheRangeAndLeavesNothingBehind() {
        TreeMap<Labels, Samples> series = new TreeMap<>();
        series.put(Labels.of("__name__", "late"), new Samples(new long[] {10, 100}, new long[] {0, 0}));
        assertThatThrownBy(() -> new BlockWriter(dir).write(TestingSeries.chunkSeriesSet(series), 0, 100))
                .hasMessageContaining("outside block range [0, 100)");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void matchersSelectWhatTheyMatch() throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        TreeMap<Labels, Samples> series = TestingSeries.random(random, 300, 3, START);
        series.entrySet().removeIf(entry -> entry.getValue().size() == 0);
        try (Block block = write(series)) {
            for (int i = 0; i < 400; i++) {
                List<Matcher> matchers = randomMatchers(random);
                List<Labels> expected = series.keySet().stream().filter(labels -> TestingSeries.matches(labels, matchers)).toList();
                try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    assertThat(TestingSeries.labels(querier.select(true, matchers))).as("%s", matchers).containsExactlyElementsOf(expected);
                    TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
                    TreeSet<String> zones = new TreeSet<>(Labels::compareUtf8);
                    expected.forEach(labels -> {
                        names.addAll(labels.names());
                        if (labels.has("zone")) {
                            zones.add(labels.get("zone"));
                        }
                    });
                    if (!matchers.isEmpty()) {
                        assertThat(querier.labelNames(matchers)).as("%s", matchers).containsExactlyElementsOf(names);
                        assertThat(querier.labelValues("zone", matchers)).as("%s", matchers).containsExactlyElementsOf(zones);
                    }
                }
            }
            try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(querier.labelNames(List.of())).containsExactly("__name__", "env", "pod", "zone");
                assertThat(querier.labelValues("zone", List.of())).containsExactly("a\"b\\c", "eu", "küche", "us", "z🙂", "日本");
            }
        }
    }

    /** One to three matchers from shapes that take every path of {@link PostingsForMatchers}. */
    static List<Matcher> randomMatchers(SplittableRandom random) {
        List<Matcher> pool = List.of(
                Matcher.equal("__name__", "metric_1"),
                Matcher.equal("zone", "eu"),
                Matcher.equal("zone", ""),
                Matcher.equal("missing", ""),
                Matcher.equal("missing", "x"),
                Matcher.notEqual("zone", "eu"),
                Matcher.notEqual("zone", ""),
                Matcher.notEqual("env", "prod"),
                Matcher.regex("zone", "eu|us|nowhere"),
                Matcher.regex("pod", "pod-1.*"),
                Matcher.regex("pod", "pod-[0-4]"),
                Matcher.regex("zone", ".*"),
                Matcher.regex("zone", ".+"),
                Matcher.regex("env", "prod|"),
                Matcher.regex("__name__", "metric_[02]"),
                Matcher.notRegex("zone", "eu|日本"),
                Matcher.notRegex("pod", "pod-2.*"),
                Matcher.notRegex("env", ".+"),
                Matcher.notRegex("zone", ""));
        List<Matcher> matchers = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            matchers.add(pool.get(random.nextInt(pool.size())));
        }
        return matchers;
    }

    @Test
    void seekMatchesTheModel() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        TreeMap<Labels, Samples> series = TestingSeries.random(random, 30, 500, START);
        long[] range = TestingSeries.range(series);
        try (Block block = write(series)) {
            for (int round = 0; round < 20; round++) {
                long mint = range[0] + random.nextLong(range[1] - range[0]);
                long maxt = mint + random.nextLong(range[1] - mint);
                try (BlockQuerier querier = block.querier(mint, maxt)) {
                    SeriesSet set = querier.select(true, List.of());
                    while (set.next()) {
                        Samples samples = series.get(set.labels());
                        SampleIterator iterator = set.iterator();
                        long target = mint - 1000;
                        while (true) {
                            target += random.nextLong(20 * 60_000L);
                            int expected = firstAtLeast(samples, Math.max(target, mint));
                            boolean hasExpected = expected < samples.size() && samples.timestamps()[expected] <= maxt;
                            assertThat(iterator.seek(target)).isEqualTo(hasExpected);
                            if (!hasExpected) {
                                break;
                            }
                            assertThat(iterator.timestamp()).isEqualTo(samples.timestamps()[expected]);
                            // Seeking backwards stays put.
                            assertThat(iterator.seek(target - 5000)).isTrue();
                            assertThat(iterator.timestamp()).isEqualTo(samples.timestamps()[expected]);
                        }
                    }
                }
            }
        }
    }

    private static int firstAtLeast(Samples samples, long t) {
        int i = 0;
        while (i < samples.size() && samples.timestamps()[i] < t) {
            i++;
        }
        return i;
    }

    @Test
    void closingTheBlockWaitsForOpenQueriersAndRefusesNewOnes() throws IOException {
        TreeMap<Labels, Samples> series = TestingSeries.random(new SplittableRandom(3), 20, 200, START);
        Block block = write(series);
        BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE);
        block.close();
        assertThatThrownBy(() -> block.querier(0, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        // The open querier still reads mapped files.
        assertThat(TestingSeries.drain(querier.select(true, List.of()))).containsExactlyElementsOf(TestingSeries.lines(series));
        querier.close();
    }

    @Test
    void blockOpensPrometheusGoldenBlocks() throws IOException {
        Path golden = mimir.tsdb.testing.TestingGoldenData.blocks();
        List<TestingDump.Line> expected = TestingDump.parse(golden.getParent().resolve("promtool-tsdb-dump.txt"));
        List<TestingDump.Line> actual = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(golden)) {
            for (Path blockDir : dirs.sorted().toList()) {
                blocks.add(Block.open(blockDir));
            }
        }
        try (MergeQuerier querier = new MergeQuerier(blocks.stream().map(block -> block.querier(Long.MIN_VALUE, Long.MAX_VALUE)).toList())) {
            actual.addAll(TestingSeries.drain(querier.select(true, List.of(Matcher.regex("__name__", ".+")))));
        }
        finally {
            for (Block block : blocks) {
                block.close();
            }
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    private Block write(Map<Labels, Samples> series) throws IOException {
        long[] range = TestingSeries.range(series);
        Ulid ulid = Ulid.generate();
        new BlockWriter(dir).write(ulid, TestingSeries.chunkSeriesSet(series), range[0], range[1], BlockMeta.Compaction.levelOne(ulid), Map.of());
        assertThat(ChunkSegments.list(dir.resolve(ulid.toString()).resolve("chunks"))).isNotEmpty();
        return Block.open(dir.resolve(ulid.toString()));
    }
}
