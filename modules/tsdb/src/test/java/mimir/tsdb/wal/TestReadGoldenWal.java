package mimir.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.tsdb.record.RecordDecoder;
import mimir.tsdb.record.RecordType;
import mimir.tsdb.record.RefSeries;
import mimir.tsdb.record.SampleBatch;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingDump.Line;
import mimir.tsdb.testing.TestingGoldenData;
import org.junit.jupiter.api.Test;

/** Our WAL and record readers against a segment written by a Prometheus 2.42 server. */
class TestReadGoldenWal {
    private record Sample(Labels labels, long timestamp, double value) {}

    @Test
    void goldenSegmentYieldsExactlyWhatPrometheusReplays() throws IOException, URISyntaxException {
        Path wal = TestingGoldenData.prometheus242().resolve("wal-self-scrape");
        Map<Long, Labels> series = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        SampleBatch batch = new SampleBatch();
        int firstBatchSize = -1;
        long firstBatchRef = -1;
        try (WalReader reader = WalReader.open(wal)) {
            while (reader.next()) {
                int type = RecordDecoder.type(reader.record());
                types.add(type);
                if (type == RecordType.SERIES) {
                    List<RefSeries> decoded = new ArrayList<>();
                    RecordDecoder.series(reader.record(), decoded);
                    decoded.forEach(entry -> assertThat(series.put(entry.ref(), entry.labels())).isNull());
                }
                else if (type == RecordType.SAMPLES) {
                    RecordDecoder.samples(reader.record(), batch);
                    if (firstBatchSize < 0) {
                        firstBatchSize = batch.size();
                        firstBatchRef = batch.ref(0);
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        assertThat(series).containsKey(batch.ref(i));
                        samples.add(new Sample(series.get(batch.ref(i)), batch.timestamp(i), batch.value(i)));
                    }
                }
            }
        }
        // The fixture's README: 2 series records and 7 samples records, the first with base ref 1 and 298 samples.
        assertThat(types).filteredOn(type -> type == RecordType.SERIES).hasSize(2);
        assertThat(types).filteredOn(type -> type == RecordType.SAMPLES).hasSize(7);
        assertThat(types).hasSize(9);
        assertThat(firstBatchRef).isEqualTo(1);
        assertThat(firstBatchSize).isEqualTo(298);
        assertThat(series.get(1L)).isEqualTo(Labels.of("__name__", "go_gc_duration_seconds", "instance", "127.0.0.1:19092",
                "job", "self", "quantile", "0"));

        samples.sort(Comparator.comparing(Sample::labels).thenComparingLong(Sample::timestamp));
        List<Line> ours = samples.stream().map(sample -> TestingDump.line(sample.labels(), sample.timestamp(), sample.value())).toList();
        Path dump = Path.of(TestReadGoldenWal.class.getResource("/golden/wal-self-scrape-promtool-dump.txt").toURI());
        assertThat(Files.exists(dump)).isTrue();
        assertThat(ours).containsExactlyElementsOf(TestingDump.parse(dump));
    }
}
