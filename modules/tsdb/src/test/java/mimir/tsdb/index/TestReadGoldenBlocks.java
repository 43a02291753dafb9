package mimir.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingDump.Line;
import mimir.tsdb.testing.TestingGoldenData;
import org.junit.jupiter.api.Test;

/** Our index and chunk readers against blocks written by Prometheus 2.42 and its own dump of them. */
class TestReadGoldenBlocks {
    @Test
    void everyGoldenBlockYieldsExactlyThePromtoolDump() throws IOException {
        List<Line> dump = TestingDump.parse(TestingGoldenData.prometheus242().resolve("promtool-tsdb-dump.txt"));
        assertThat(dump).hasSize(323);
        List<Path> blocks;
        try (Stream<Path> stream = Files.list(TestingGoldenData.blocks())) {
            blocks = stream.sorted().toList();
        }
        assertThat(blocks).hasSize(2);
        List<Line> all = new ArrayList<>();
        for (Path block : blocks) {
            all.addAll(TestingDump.readBlock(block));
        }
        // Series are disjoint in time per block, and the one series in both blocks sorts last in
        // each, so block order concatenated is the dump's order.
        assertThat(all).containsExactlyElementsOf(dump);
    }

    @Test
    void labelNamesValuesAndPostingsMatchTheFirstGoldenBlock() throws IOException {
        try (IndexReader index = IndexReader.open(TestingGoldenData.blocks().resolve("01M83V3SFWP9TDPEJZ9631H164/index"))) {
            assertThat(index.version()).isEqualTo(2);
            assertThat(index.labelNames()).containsExactly("__name__", "instance", "job", "kind", "note", "room");
            assertThat(index.labelValues("__name__")).containsExactly("http_requests_total", "irregular", "temp");
            assertThat(index.labelValues("room")).containsExactly("küche");
            assertThat(index.labelValues("missing")).isEmpty();
            long[] all = Postings.toArray(index.allPostings());
            assertThat(all).hasSize(3);
            assertThat(Postings.toArray(index.postings("__name__", "irregular"))).containsExactly(all[1]);
            assertThat(Postings.toArray(index.postings("__name__", List.of("temp", "http_requests_total")))).containsExactly(all[0], all[2]);
            assertThat(Postings.toArray(index.postings("job", "nope"))).isEmpty();
            ChunkMetas metas = new ChunkMetas();
            Labels labels = index.series(all[0], metas);
            assertThat(labels).isEqualTo(Labels.of("__name__", "http_requests_total", "instance", "a:9090", "job", "api"));
            // 300 samples every 15 s cut at 120 samples: three chunks, contiguous in the segment.
            assertThat(metas.size()).isEqualTo(3);
            assertThat(metas.minTime(0)).isEqualTo(1700000000000L);
            assertThat(metas.maxTime(2)).isEqualTo(1700000000000L + 299 * 15_000L);
            assertThat(metas.ref(0)).isEqualTo(8);
            assertThat(metas.ref(1)).isGreaterThan(metas.ref(0));
        }
    }
}
