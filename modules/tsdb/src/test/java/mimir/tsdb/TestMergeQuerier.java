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
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.TestingSeries.Samples;
import mimir.tsdb.block.BlockMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MergeQuerier} over blocks and an in-memory stand-in for the head. */
class TestMergeQuerier {
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void mergesHeadAndBlocksIntoOneSortedDeduplicatedSet() throws IOException {
        for (int seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            TreeMap<Labels, Samples> truth = TestingSeries.random(random, 1 + random.nextInt(100), 300, START);
            // Older half in a block, newer half in the "head", plus an overlapping middle part in both.
            TreeMap<Labels, Samples> old = new TreeMap<>();
            TreeMap<Labels, Samples> recent = new TreeMap<>();
            long[] range = TestingSeries.range(truth);
            long split = range[0] + (range[1] - range[0]) / 2;
            long overlap = (range[1] - range[0]) / 10;
            truth.forEach((labels, samples) -> {
                if (random.nextInt(5) > 0) {
                    old.put(labels, slice(samples, Long.MIN_VALUE, split + overlap));
                }
                else {
                    // Some series only in the head.
                    old.put(labels, slice(samples, 0, -1));
                }
            });
            truth.forEach((labels, samples) -> recent.put(labels, slice(samples, old.get(labels).size() == 0 ? Long.MIN_VALUE : split - overlap, Long.MAX_VALUE)));
            long[] oldRange = TestingSeries.range(old);
            if (oldRange[0] == Long.MAX_VALUE) {
                continue;
            }
            BlockMeta meta = new BlockWriter(dir).write(TestingSeries.chunkSeriesSet(old), oldRange[0], oldRange[1]);
            try (Block block = Block.open(dir.resolve(meta.ulid().toString()))) {
                for (int round = 0; round < 5; round++) {
                    long mint = range[0] + random.nextLong(range[1] - range[0]);
                    long maxt = mint + random.nextLong(range[1] - mint);
                    List<Matcher> matchers = TestBlockQuerier.randomMatchers(random);
                    try (MergeQuerier querier = new MergeQuerier(List.of(TestingSeries.querier(recent, mint, maxt), block.querier(mint, maxt)))) {
                        // Series whose samples all lie outside the range may still be listed (as by Prometheus); compare samples.
                        assertThat(TestingSeries.drain(querier.select(false, matchers))).as("seed %d %s [%d, %d]", seed, matchers, mint, maxt)
                                .containsExactlyElementsOf(TestingSeries.lines(truth, mint, maxt, matchers));
                    }
                }
            }
        }
    }

    @Test
    void theFirstQuerierWinsConflictsAndSeekWorksAcrossInputs() {
        Labels up = Labels.of("__name__", "up");
        Labels down = Labels.of("__name__", "down");
        Querier head = TestingSeries.querier(Map.of(up, new Samples(new long[] {20, 30, 50}, TestingSeries.bits(2, 3, 5))), 0, 100);
        Querier block = TestingSeries.querier(new TreeMap<>(Map.of(
                up, new Samples(new long[] {10, 20, 40, 50}, TestingSeries.bits(1, 9, 4, 9)),
                down, new Samples(new long[] {15}, TestingSeries.bits(7)))), 0, 100);
        try (MergeQuerier querier = new MergeQuerier(List.of(head, block))) {
            SeriesSet set = querier.select(true, List.of());
            assertThat(set.next()).isTrue();
            assertThat(set.labels()).isEqualTo(down);
            assertThat(set.next()).isTrue();
            assertThat(set.labels()).isEqualTo(up);
            assertThat(samples(set.iterator())).containsExactly("10=1.0", "20=2.0", "30=3.0", "40=4.0", "50=5.0");
            SampleIterator iterator = set.iterator();
            assertThat(iterator.seek(25)).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(30);
            assertThat(iterator.seek(30)).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(30);
            assertThat(iterator.next()).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(40);
            assertThat(iterator.seek(41)).isTrue();
            assertThat(iterator.value()).isEqualTo(5.0);
            assertThat(iterator.seek(51)).isFalse();
            assertThat(set.next()).isFalse();

            assertThat(querier.labelValues("__name__", List.of())).containsExactly("down", "up");
            assertThat(querier.labelNames(List.of(Matcher.equal("__name__", "down")))).containsExactly("__name__");
        }
    }

    private static List<String> samples(SampleIterator iterator) {
        List<String> result = new ArrayList<>();
        while (iterator.next()) {
            result.add(iterator.timestamp() + "=" + iterator.value());
        }
        return result;
    }

    private static Samples slice(Samples samples, long mint, long maxt) {
        int from = 0;
        while (from < samples.size() && samples.timestamps()[from] < mint) {
            from++;
        }
        int to = from;
        while (to < samples.size() && samples.timestamps()[to] <= maxt) {
            to++;
        }
        return new Samples(java.util.Arrays.copyOfRange(samples.timestamps(), from, to), java.util.Arrays.copyOfRange(samples.values(), from, to));
    }
}
