package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.TestingSeries.Samples;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.testing.TestingDump.Line;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DB} end to end: what was appended (through the WAL, restarts, head compaction, block compaction
 * and deletions) is exactly what queries return, and blocks plus head never hold a sample twice.
 */
class TestDB {
    private static final long START = 1_700_000_000_000L;
    /** 30-minute blocks, so a few hours of random data make several blocks. */
    private static final long RANGE = 30 * 60_000L;
    private static final DbOptions OPTIONS = DbOptions.defaults()
            .withBackgroundCompaction(false)
            .withHead(HeadOptions.defaults().withChunkRange(RANGE).withWal(new WalWriter.Options(WalSegments.PAGE_SIZE * 4, true, false)));
    /** Concurrent appenders step through windows up to here (every generated sample is before it). */
    private static final long WINDOWS_END = START + 5 * 3_600_000L;
    private static final List<Matcher> ALL = List.of(Matcher.regex("__name__", ".+"));

    @TempDir
    Path dir;

    @Test
    void appendedSamplesSurviveReopenAndHeadCompaction() throws IOException {
        for (int seed = 1; seed <= 4; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Path data = dir.resolve("seed" + seed);
            TreeMap<Labels, Samples> truth = randomSeries(random, 5 + random.nextInt(60), 700);
            try (DB db = DB.open(data, OPTIONS)) {
                append(db, truth, random);
                assertQueriesMatch(db, truth, random);
            }
            try (DB db = DB.open(data, OPTIONS)) {
                assertQueriesMatch(db, truth, random);
                List<BlockMeta> written = db.compactHead();
                assertThat(written).isNotEmpty();
                assertThat(db.head().maxTime() - db.head().minTime()).isLessThanOrEqualTo(RANGE + RANGE / 2);
                for (BlockMeta meta : written) {
                    assertThat(meta.maxTime() - meta.minTime()).isLessThanOrEqualTo(RANGE);
                    assertThat(meta.maxTime() % RANGE).isZero();
                }
                assertQueriesMatch(db, truth, random);
                assertStoredOnce(db, truth);
            }
            try (DB db = DB.open(data, OPTIONS)) {
                assertQueriesMatch(db, truth, random);
                assertStoredOnce(db, truth);
            }
        }
    }

    @Test
    void crashBetweenBlockWriteAndHeadTruncationLosesAndDuplicatesNothing() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        TreeMap<Labels, Samples> truth = randomSeries(random, 40, 700);
        long blockEnd;
        try (DB db = DB.open(dir, OPTIONS)) {
            append(db, truth, random);
            blockEnd = DB.rangeEnd(db.head().minTime(), RANGE);
            // What compactHead does, minus the truncation: the block is there, the head (and WAL) still hold its samples.
            assertThat(db.persistHead(blockEnd - RANGE, blockEnd)).isPresent();
        }
        try (DB db = DB.open(dir, OPTIONS)) {
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.head().minTime()).isGreaterThanOrEqualTo(blockEnd);
            assertQueriesMatch(db, truth, random);
            assertStoredOnce(db, truth);
            db.compactHead();
            assertQueriesMatch(db, truth, random);
            assertStoredOnce(db, truth);
        }
        try (DB db = DB.open(dir, OPTIONS)) {
            assertQueriesMatch(db, truth, random);
            assertStoredOnce(db, truth);
        }
    }

    @Test
    void compactingOverlappingBlocksGivesTheUnionAndRemovesTheInputs() throws IOException {
        for (int seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Path data = dir.resolve("seed" + seed);
            TreeMap<Labels, Samples> truth = randomSeries(random, 1 + random.nextInt(50), 500);
            List<Ulid> inputs = new ArrayList<>();
            for (TreeMap<Labels, Samples> part : TestingSeries.split(truth, 3, random)) {
                inputs.add(writeBlock(data, part));
            }
            try (DB db = DB.open(data, OPTIONS)) {
                assertThat(db.blocks()).hasSize(3);
                assertQueriesMatch(db, truth, random);
                try (Querier before = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    SeriesSet open = before.select(true, ALL);
                    List<BlockMeta> merged = db.compact();
                    assertThat(merged).hasSize(1);
                    assertThat(merged.getFirst().compaction().parents()).extracting(BlockMeta.BlockDesc::ulid).containsExactlyInAnyOrderElementsOf(inputs);
                    // A querier opened before the swap still reads the replaced blocks.
                    assertThat(TestingSeries.drain(open)).containsExactlyElementsOf(TestingSeries.lines(truth));
                }
                assertThat(db.blocks()).extracting(block -> block.meta().ulid()).containsExactly(db.blocks().getFirst().meta().ulid());
                assertQueriesMatch(db, truth, random);
                assertStoredOnce(db, truth);
            }
            for (Ulid input : inputs) {
                assertThat(data.resolve(input.toString())).doesNotExist();
            }
            try (DB db = DB.open(data, OPTIONS)) {
                assertThat(db.blocks()).hasSize(1);
                assertQueriesMatch(db, truth, random);
            }
        }
    }

    @Test
    void crashBetweenCompactionAndInputDeletionKeepsOnlyTheMergedBlock() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        TreeMap<Labels, Samples> truth = randomSeries(random, 30, 500);
        for (TreeMap<Labels, Samples> part : TestingSeries.split(truth, 2, random)) {
            writeBlock(dir, part);
        }
        Files.createDirectories(dir.resolve(Ulid.generate() + BlockWriter.TMP_SUFFIX).resolve("chunks"));
        BlockMeta merged;
        try (DB db = DB.open(dir, OPTIONS)) {
            // The compactor's output is in place; the DB never got to delete the inputs.
            merged = new Compactor(dir).compact(db.blocks()).orElseThrow();
        }
        try (DB db = DB.open(dir, OPTIONS)) {
            assertThat(db.blocks()).extracting(block -> block.meta().ulid()).containsExactly(merged.ulid());
            assertQueriesMatch(db, truth, random);
            assertStoredOnce(db, truth);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(BlockWriter.TMP_SUFFIX) || name.endsWith(DB.DELETION_SUFFIX));
        }
    }

    @Test
    void deletionAcrossHeadAndBlocksRemovesExactlyTheMatchedRange() throws IOException {
        for (int seed = 1; seed <= 4; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Path data = dir.resolve("seed" + seed);
            TreeMap<Labels, Samples> truth = randomSeries(random, 10 + random.nextInt(40), 700);
            try (DB db = DB.open(data, OPTIONS)) {
                append(db, truth, random);
                db.compactHead();
            }
            // One more block overlapping the oldest persisted range, holding a subset of its samples.
            long firstEnd = DB.rangeEnd(TestingSeries.range(truth)[0], RANGE);
            writeBlock(data, TestingSeries.split(window(truth, firstEnd - RANGE, firstEnd - 1), 2, random).getFirst());
            try (DB db = DB.open(data, OPTIONS)) {
                assertThat(db.blocks().size()).isGreaterThanOrEqualTo(2);
                long[] range = TestingSeries.range(truth);
                for (int round = 0; round < 3; round++) {
                    long mint = range[0] + random.nextLong(range[1] - range[0]);
                    long maxt = mint + random.nextLong(3 * RANGE);
                    List<Matcher> matchers = List.of(randomMatcher(random));
                    db.delete(mint, maxt, matchers);
                    truth = TestingSeries.delete(truth, mint, maxt, matchers);
                    assertQueriesMatch(db, truth, random);
                }
                db.compact();
                assertQueriesMatch(db, truth, random);
                db.compactHead();
                assertQueriesMatch(db, truth, random);
            }
            try (DB db = DB.open(data, OPTIONS)) {
                assertQueriesMatch(db, truth, random);
                db.compact();
                assertQueriesMatch(db, truth, random);
                assertStoredOnce(db, truth);
            }
        }
    }

    @Test
    void backgroundCompactionPersistsTheHead() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        TreeMap<Labels, Samples> truth = randomSeries(random, 20, 700);
        try (DB db = DB.open(dir, OPTIONS.withBackgroundCompaction(true).withCompactionInterval(Duration.ofMillis(20)))) {
            append(db, truth, random);
            for (int wait = 0; wait < 3000 && db.head().maxTime() - db.head().minTime() > RANGE + RANGE / 2; wait++) {
                Thread.sleep(10);
            }
            assertThat(db.blocks()).isNotEmpty();
            assertQueriesMatch(db, truth, random);
        }
    }

    @Test
    void concurrentAppendersAndQueriersDuringCompaction() throws Exception {
        SplittableRandom random = new SplittableRandom(9);
        TreeMap<Labels, Samples> truth = randomSeries(random, 60, 700);
        List<TreeMap<Labels, Samples>> halves = new ArrayList<>(List.of(new TreeMap<>(), new TreeMap<>()));
        truth.forEach((labels, samples) -> halves.get(Math.floorMod(labels.hashCode(), 2)).put(labels, samples));
        try (DB db = DB.open(dir, OPTIONS)) {
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            CyclicBarrier barrier = new CyclicBarrier(2);
            for (int i = 0; i < 2; i++) {
                TreeMap<Labels, Samples> half = halves.get(i);
                long seed = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        append(db, half, new SplittableRandom(seed), 5 * 60_000L, barrier);
                    }
                    catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 30; i++) {
                        try (Querier querier = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                            TestingSeries.drain(querier.select(true, ALL));
                        }
                    }
                }
                catch (Throwable e) {
                    failures.add(e);
                }
            }));
            while (threads.getFirst().isAlive() || threads.get(1).isAlive()) {
                db.compactHead();
                Thread.sleep(2);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            db.compactHead();
            assertQueriesMatch(db, truth, random);
            assertStoredOnce(db, truth);
        }
    }

    // ---- helpers

    /** Appends the model in global time order (the head only accepts recent samples) in batches of random size. */
    private static void append(DB db, Map<Labels, Samples> truth, SplittableRandom random) throws IOException {
        append(db, truth, random, Long.MAX_VALUE, null);
    }

    /**
     * Appends in time order; at every multiple of {@code window} after {@link #START} the batch is
     * committed and the thread waits at {@code barrier} (if any), so that concurrent appenders stay
     * within one window of each other.
     */
    private static void append(DB db, Map<Labels, Samples> truth, SplittableRandom random, long window, CyclicBarrier barrier) throws IOException {
        List<Labels> labels = new ArrayList<>(truth.keySet());
        List<long[]> samples = new ArrayList<>();
        for (int s = 0; s < labels.size(); s++) {
            Samples series = truth.get(labels.get(s));
            for (int i = 0; i < series.size(); i++) {
                samples.add(new long[] {series.timestamps()[i], series.values()[i], s});
            }
        }
        samples.sort((a, b) -> Long.compare(a[0], b[0]));
        HeadAppender appender = db.appender();
        int batch = 1 + random.nextInt(200);
        long windowEnd = window == Long.MAX_VALUE ? Long.MAX_VALUE : START + window;
        int next = 0;
        while (next < samples.size() || (barrier != null && windowEnd < WINDOWS_END)) {
            while (next < samples.size() && samples.get(next)[0] < windowEnd) {
                long[] sample = samples.get(next++);
                try {
                    appender.append(labels.get((int) sample[2]), sample[0], Double.longBitsToDouble(sample[1]));
                }
                catch (SampleRejectedException e) {
                    throw new AssertionError("appending in time order must not be rejected", e);
                }
                if (appender.pendingSamples() >= batch) {
                    appender.commit();
                    batch = 1 + random.nextInt(200);
                }
            }
            appender.commit();
            if (barrier != null) {
                try {
                    barrier.await(1, TimeUnit.MINUTES);
                }
                catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new AssertionError("appenders out of step", e);
                }
            }
            windowEnd += window;
        }
    }

    /** The whole range and a few random ranges and matchers read back exactly as the model says. */
    private static void assertQueriesMatch(DB db, Map<Labels, Samples> truth, SplittableRandom random) {
        assertThat(query(db, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).containsExactlyElementsOf(TestingSeries.lines(truth, Long.MIN_VALUE, Long.MAX_VALUE, ALL));
        long[] range = TestingSeries.range(truth);
        if (range[0] == Long.MAX_VALUE) {
            return;
        }
        for (int i = 0; i < 5; i++) {
            long mint = range[0] + random.nextLong(range[1] - range[0] + 1) - RANGE / 2;
            long maxt = mint + random.nextLong(4 * RANGE);
            List<Matcher> matchers = List.of(randomMatcher(random));
            assertThat(query(db, mint, maxt, matchers)).as("[%d, %d] %s", mint, maxt, matchers)
                    .containsExactlyElementsOf(TestingSeries.lines(truth, mint, maxt, matchers));
        }
    }

    private static Matcher randomMatcher(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> Matcher.equal("__name__", "metric_" + random.nextInt(4));
            case 1 -> Matcher.regex("pod", "pod-1.*");
            case 2 -> Matcher.notEqual("zone", "eu");
            default -> Matcher.regex("__name__", ".+");
        };
    }

    private static List<Line> query(DB db, long mint, long maxt, List<Matcher> matchers) {
        try (Querier querier = db.querier(mint, maxt)) {
            return TestingSeries.drain(querier.select(true, matchers));
        }
    }

    /** Samples stored in blocks plus those in the head add up to the model's: nothing is kept twice. */
    private static void assertStoredOnce(DB db, Map<Labels, Samples> truth) {
        long stored = 0;
        for (Block block : db.blocks()) {
            try (BlockQuerier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                stored += count(querier.select(false, ALL));
            }
        }
        try (HeadQuerier querier = db.head().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            stored += count(querier.select(false, ALL));
        }
        assertThat(stored).isEqualTo(truth.values().stream().mapToLong(Samples::size).sum());
    }

    private static long count(SeriesSet set) {
        long count = 0;
        while (set.next()) {
            SampleIterator samples = set.iterator();
            while (samples.next()) {
                count++;
            }
        }
        return count;
    }

    /** {@link TestingSeries#random} cut to its first four hours (its rare huge gaps would make thousands of blocks). */
    private static TreeMap<Labels, Samples> randomSeries(SplittableRandom random, int seriesCount, int maxSamples) {
        return window(TestingSeries.random(random, seriesCount, maxSamples, START), START, START + 4 * 3_600_000L);
    }

    private static TreeMap<Labels, Samples> window(Map<Labels, Samples> truth, long mint, long maxt) {
        TreeMap<Labels, Samples> result = TestingSeries.delete(truth, Long.MIN_VALUE, mint - 1, List.of());
        return TestingSeries.delete(result, maxt + 1, Long.MAX_VALUE, List.of());
    }

    private static Ulid writeBlock(Path data, Map<Labels, Samples> series) throws IOException {
        long[] range = TestingSeries.range(series);
        BlockMeta meta = new BlockWriter(data).write(TestingSeries.chunkSeriesSet(new TreeMap<>(series)), range[0], range[1]);
        return meta.ulid();
    }
}
