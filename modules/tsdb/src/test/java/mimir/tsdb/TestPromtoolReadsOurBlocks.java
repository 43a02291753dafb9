package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.testing.TestingExecutables;
import mimir.tsdb.TestingSeries.Samples;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingDump.Line;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own code as the oracle: blocks we write (fresh, with tombstones, compacted) are read
 * by Debian's {@code promtool} 2.42. {@code tsdb analyze} must accept the index and report our
 * cardinalities; {@code tsdb dump} must print exactly our samples. The tests fail, never skip,
 * when promtool is missing.
 */
class TestPromtoolReadsOurBlocks {
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void randomBlockWithEveryXorCaseSpecialFloatsAndUtf8() throws IOException, InterruptedException {
        TreeMap<Labels, Samples> series = TestingSeries.random(new SplittableRandom(2024), 200, 400, START);
        BlockMeta meta = write(series);
        assertAnalyze(meta, series);
        assertThat(dump(meta)).containsExactlyElementsOf(TestingSeries.lines(series));
    }

    @Test
    void hundredThousandSeries() throws IOException, InterruptedException {
        TreeMap<Labels, Samples> series = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(100_000);
        for (int i = 0; i < 100_000; i++) {
            Labels labels = Labels.of("__name__", "big_" + (i % 7), "instance", "host-" + i, "zone", "z" + (i % 13));
            series.put(labels, TestingSeries.randomSamples(random, 1 + random.nextInt(3), START));
        }
        BlockMeta meta = write(series);
        assertThat(meta.stats().numSeries()).isEqualTo(100_000);
        assertAnalyze(meta, series);
        assertThat(dump(meta)).containsExactlyElementsOf(TestingSeries.lines(series));
    }

    @Test
    void deletedAndCompactedBlocks() throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(77);
        TreeMap<Labels, Samples> series = TestingSeries.random(random, 100, 300, START);
        BlockMeta meta = write(series);
        long[] range = TestingSeries.range(series);
        long mint = range[0] + (range[1] - range[0]) / 3;
        long maxt = range[0] + (range[1] - range[0]) / 2;
        List<Matcher> matchers = List.of(Matcher.regex("zone", "eu|日本"), Matcher.notEqual("__name__", "metric_2"));
        TreeMap<Labels, Samples> remaining = TestingSeries.delete(series, mint, maxt, matchers);
        BlockMeta compacted;
        try (Block block = Block.open(dir.resolve(meta.ulid().toString()))) {
            block.delete(mint, maxt, matchers);
            assertThat(block.meta().stats().numTombstones()).isPositive();
            // promtool honours our tombstones file.
            assertThat(dump(block.meta())).containsExactlyElementsOf(TestingSeries.lines(remaining));
            compacted = new Compactor(dir.resolve("compacted")).compact(List.of(block)).orElseThrow();
        }
        Path compactedDb = dir.resolve("compacted");
        assertThat(run(List.of("tsdb", "analyze", compactedDb.toString(), compacted.ulid().toString())).exitCode()).isZero();
        List<Line> dumped = dump(compactedDb, compacted.minTime(), compacted.maxTime());
        assertThat(dumped).containsExactlyElementsOf(TestingSeries.lines(remaining));
    }

    private BlockMeta write(TreeMap<Labels, Samples> series) throws IOException {
        long[] range = TestingSeries.range(series);
        return new BlockWriter(dir).write(TestingSeries.chunkSeriesSet(series), range[0], range[1]);
    }

    private void assertAnalyze(BlockMeta meta, Map<Labels, Samples> series) throws IOException, InterruptedException {
        Result result = run(List.of("tsdb", "analyze", dir.toString(), meta.ulid().toString()));
        assertThat(result.exitCode()).as("promtool tsdb analyze: %s", result.stderr()).isZero();
        Set<String> names = new HashSet<>();
        Set<String> pairs = new HashSet<>();
        long entries = 0;
        long written = 0;
        for (var entry : series.entrySet()) {
            if (entry.getValue().size() == 0) {
                continue;
            }
            written++;
            Labels labels = entry.getKey();
            for (int i = 0; i < labels.size(); i++) {
                names.add(labels.name(i));
                pairs.add(labels.name(i) + "\0" + labels.value(i));
                entries++;
            }
        }
        assertThat(result.stdout()).contains(
                "Block ID: " + meta.ulid() + "\n",
                "Series: " + written + "\n",
                "Label names: " + names.size() + "\n",
                "Postings (unique label pairs): " + pairs.size() + "\n",
                "Postings entries (total label pairs): " + entries + "\n");
    }

    private List<Line> dump(BlockMeta meta) throws IOException, InterruptedException {
        return dump(dir, meta.minTime(), meta.maxTime());
    }

    /** {@code promtool tsdb dump} of a data directory (2.42 insists on a {@code wal/} directory there). */
    private List<Line> dump(Path dataDir, long minTime, long maxTime) throws IOException, InterruptedException {
        Files.createDirectories(dataDir.resolve("wal"));
        Path output = Files.createTempFile(dir, "dump", ".txt");
        Result result = run(List.of("tsdb", "dump", "--min-time=" + minTime, "--max-time=" + maxTime, dataDir.toString()), output);
        assertThat(result.exitCode()).as("promtool tsdb dump: %s", result.stderr()).isZero();
        List<Line> lines = TestingDump.parse(output);
        Files.delete(output);
        return lines;
    }

    record Result(int exitCode, String stdout, String stderr) {}

    private Result run(List<String> arguments) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "promtool", ".txt");
        Result result = run(arguments, output);
        String stdout = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Result(result.exitCode(), stdout, result.stderr());
    }

    private Result run(List<String> arguments, Path stdout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(TestingExecutables.promtool().toString());
        command.addAll(arguments);
        Path stderr = Files.createTempFile(dir, "promtool", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish within 5 minutes: " + command);
        }
        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        Files.delete(stderr);
        return new Result(process.exitValue(), "", errors);
    }
}
