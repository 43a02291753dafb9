package mimir.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import mimir.tsdb.chunks.ChunkRefs;
import mimir.tsdb.chunks.ChunkWriter;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingDump.Line;
import mimir.tsdb.testing.TestingGoldenData;
import mimir.tsdb.tombstones.Tombstones;
import mimir.tsdb.tombstones.TombstonesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks written with our chunk and index writers read back with our readers, sample for sample. */
class TestWriteAndReadBlock {
    private static final int SAMPLES_PER_CHUNK = 120;

    @Test
    void generatedBlockReadsBackExactly(@TempDir Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        TreeMap<Labels, long[][]> series = new TreeMap<>();
        while (series.size() < 200) {
            Labels labels = Labels.of("__name__", "metric_" + random.nextInt(5), "pod", "pod-" + random.nextInt(40),
                    "zone", random.nextBoolean() ? "eu" : "us-ß");
            int count = random.nextInt(400);
            long[] timestamps = new long[count];
            long[] values = new long[count];
            long t = 1_700_000_000_000L + random.nextInt(10_000);
            for (int i = 0; i < count; i++) {
                t += 1 + random.nextInt(30_000);
                timestamps[i] = t;
                values[i] = Double.doubleToRawLongBits(random.nextInt(4) == 0 ? Double.NaN : random.nextDouble() * 1000);
            }
            series.put(labels, new long[][] {timestamps, values});
        }
        Path block = dir.resolve(Ulid.generate().toString());
        // A tiny segment size forces many chunk segment files and refs with segment index > 0.
        List<Line> expected = writeBlock(block, series, 4096);

        assertThat(TestingDump.readBlock(block)).containsExactlyElementsOf(expected);
        assertThat(mimir.tsdb.chunks.ChunkSegments.list(block.resolve("chunks")).size()).isGreaterThan(5);
        try (IndexReader index = IndexReader.open(block.resolve("index"))) {
            assertThat(index.labelNames()).containsExactly("__name__", "pod", "zone");
            assertThat(index.labelValues("zone")).containsExactly("eu", "us-ß");
            long expectedCount = series.keySet().stream().filter(labels -> labels.get("zone").equals("eu") && labels.get("pod").equals("pod-3")).count();
            Postings euPod3 = Postings.intersect(List.of(index.postings("zone", "eu"), index.postings("pod", "pod-3")));
            ChunkMetas metas = new ChunkMetas();
            int found = 0;
            while (euPod3.next()) {
                Labels labels = index.series(euPod3.at(), metas);
                assertThat(labels.get("zone")).isEqualTo("eu");
                assertThat(labels.get("pod")).isEqualTo("pod-3");
                found++;
            }
            assertThat(found).isEqualTo(expectedCount);
            // Postings are series refs in label order: the all-postings list reproduces the sorted series.
            Postings all = index.allPostings();
            List<Labels> inOrder = new ArrayList<>();
            while (all.next()) {
                inOrder.add(index.series(all.at(), metas));
            }
            assertThat(inOrder).containsExactlyElementsOf(series.keySet());
        }
        BlockMeta meta = BlockMeta.read(block);
        assertThat(meta.stats().numSeries()).isEqualTo(200);
        assertThat(meta.stats().numSamples()).isEqualTo(expected.size());
        assertThat(TombstonesFile.read(block).get(0)).isEmpty();
    }

    @Test
    void rewritingTheGoldenTempSeriesGivesPrometheusChunkFileByteForByte(@TempDir Path dir) throws IOException {
        TreeMap<Labels, long[][]> series = new TreeMap<>();
        long[] timestamps = new long[6];
        long[] values = new long[6];
        for (int i = 0; i < 6; i++) {
            timestamps[i] = 1700006480000L + 120_000L * i;
            values[i] = Double.doubleToRawLongBits(21.0 + 0.25 * i);
        }
        series.put(Labels.of("__name__", "temp", "note", "a \"quoted\" \\ value", "room", "küche"), new long[][] {timestamps, values});
        Path block = dir.resolve("block");
        writeBlock(block, series, 512L * 1024 * 1024);
        Path golden = TestingGoldenData.blocks().resolve("01M83V3SGJBGG9KGACJGQEQMM8");
        assertThat(Files.readAllBytes(block.resolve("chunks/000001"))).isEqualTo(Files.readAllBytes(golden.resolve("chunks/000001")));
        assertThat(TestingDump.readBlock(block)).containsExactlyElementsOf(TestingDump.readBlock(golden));
    }

    @Test
    void writerRejectsOutOfOrderInput(@TempDir Path dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir.resolve("index"))) {
            writer.addSymbol("a");
            assertThatThrownBy(() -> writer.addSymbol("a")).hasMessageContaining("out of order");
            writer.addSymbol("b");
            writer.addSeries(Labels.of("b", "a"), new ChunkMetas());
            assertThatThrownBy(() -> writer.addSeries(Labels.of("a", "b"), new ChunkMetas())).hasMessageContaining("series out of order");
            assertThatThrownBy(() -> writer.addSeries(Labels.of("b", "c"), new ChunkMetas())).hasMessageContaining("symbol not added");
        }
        try (IndexReader reader = IndexReader.open(dir.resolve("index"))) {
            assertThat(Postings.toArray(reader.postings("b", "a"))).hasSize(1);
        }
    }

    /** Writes a level-1 block the way the head compactor will: chunks of 120 samples, index, tombstones, meta. */
    static List<Line> writeBlock(Path block, TreeMap<Labels, long[][]> series, long segmentSize) throws IOException {
        Files.createDirectories(block);
        TreeSet<String> symbols = new TreeSet<>(Labels::compareUtf8);
        series.keySet().forEach(labels -> labels.forEach((name, value) -> {
            symbols.add(name);
            symbols.add(value);
        }));
        List<Line> expected = new ArrayList<>();
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        long chunkCount = 0;
        try (ChunkWriter chunks = new ChunkWriter(block.resolve("chunks"), segmentSize);
                IndexWriter index = new IndexWriter(block.resolve("index"))) {
            symbols.forEach(index::addSymbol);
            ChunkMetas metas = new ChunkMetas();
            for (var entry : series.entrySet()) {
                long[] timestamps = entry.getValue()[0];
                long[] values = entry.getValue()[1];
                metas.clear();
                for (int start = 0; start < timestamps.length; start += SAMPLES_PER_CHUNK) {
                    int end = Math.min(timestamps.length, start + SAMPLES_PER_CHUNK);
                    XorChunk chunk = new XorChunk();
                    XorAppender appender = chunk.appender();
                    for (int i = start; i < end; i++) {
                        appender.appendBits(timestamps[i], values[i]);
                        expected.add(TestingDump.line(entry.getKey(), timestamps[i], Double.longBitsToDouble(values[i])));
                    }
                    long ref = chunks.write(ChunkEncoding.XOR, chunk.bytes());
                    assertThat(ChunkRefs.offset(ref)).isGreaterThanOrEqualTo(8);
                    metas.add(ref, timestamps[start], timestamps[end - 1]);
                    chunkCount++;
                }
                if (timestamps.length > 0) {
                    minTime = Math.min(minTime, timestamps[0]);
                    maxTime = Math.max(maxTime, timestamps[timestamps.length - 1]);
                }
                index.addSeries(entry.getKey(), metas);
            }
        }
        Tombstones tombstones = new Tombstones();
        TombstonesFile.write(block, tombstones);
        Ulid ulid = Ulid.generate();
        new BlockMeta(ulid, minTime, maxTime + 1, new BlockMeta.Stats(expected.size(), series.size(), chunkCount, 0),
                BlockMeta.Compaction.levelOne(ulid), null).write(block);
        return expected;
    }
}
