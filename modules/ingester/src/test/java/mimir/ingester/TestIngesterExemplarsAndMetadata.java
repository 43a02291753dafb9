package mimir.ingester;

import static mimir.ingester.TestingIngester.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import mimir.testing.MemoryObjectStore;
import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exemplars and metadata through push, with the tenant's limits. */
class TestIngesterExemplarsAndMetadata {
    private static final long T0 = NOW.toEpochMilli();
    private static final Labels SERIES = Labels.of("__name__", "req_total", "job", "a");
    private static final List<List<Matcher>> ALL = List.of(List.of(Matcher.equal("__name__", "req_total")));

    @TempDir
    Path dir;

    private static WriteBatch withExemplars(int count, long start) {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(SERIES);
        batch.addSample(start + count * 1000L, 1);
        for (int i = 0; i < count; i++) {
            batch.addExemplar(Labels.of("trace_id", "t" + i), start + i * 1000L, i);
        }
        return batch;
    }

    @Test
    void exemplarsAreOffByDefaultAndKeptUpToTheTenantsLimit() throws Exception {
        try (TestingIngester testing = new TestingIngester(dir, new MemoryObjectStore(), values -> values)) {
            Ingester ingester = testing.ingester;
            assertThat(ingester.push("t", withExemplars(2, T0)).acceptedExemplars()).as("max_global_exemplars_per_user 0 disables").isZero();
            assertThat(ingester.queryExemplars("t", 0, Long.MAX_VALUE, ALL)).isEmpty();

            testing.overrides("t", Map.of("max_global_exemplars_per_user", "3"));
            PushResult result = ingester.push("t", withExemplars(5, T0 + 10_000));
            assertThat(result.acceptedExemplars()).isEqualTo(5);
            List<ExemplarSeries> stored = ingester.queryExemplars("t", 0, Long.MAX_VALUE, ALL);
            assertThat(stored).hasSize(1);
            assertThat(stored.getFirst().exemplars()).extracting(ExemplarSeries.Exemplar::timestamp)
                    .containsExactly(T0 + 12_000, T0 + 13_000, T0 + 14_000);
            assertThat(ingester.queryExemplars("other", 0, Long.MAX_VALUE, ALL)).isEmpty();

            WriteBatch olderExemplar = new WriteBatch();
            olderExemplar.addSeries(SERIES);
            olderExemplar.addSample(T0 + 100_000, 2);
            olderExemplar.addExemplar(Labels.of("trace_id", "t0"), T0, 0);
            PushResult older = ingester.push("t", olderExemplar);
            assertThat(older.acceptedSamples()).isEqualTo(1);
            assertThat(older.acceptedExemplars()).isZero();
            assertThat(older.firstError().orElseThrow().message()).startsWith("user=t: err: out of order exemplar. timestamp=2026-01-01T00:00:00Z, "
                    + "series={__name__=\"req_total\", job=\"a\"}, exemplar={trace_id=\"t0\"}");
            assertThat(testing.counter("cortex_ingester_ingested_exemplars_failures")).isEqualTo(1);
            assertThat(testing.counter("cortex_ingester_ingested_exemplars")).isEqualTo(5);
        }
    }

    @Test
    void metadataIsKeptWithinLimitsServedAndPurgedAfterTheRetainPeriod() throws Exception {
        try (TestingIngester testing = new TestingIngester(dir, new MemoryObjectStore(), values -> values)) {
            Ingester ingester = testing.ingester;
            testing.overrides("t", Map.of("max_global_metadata_per_user", "2", "max_global_metadata_per_metric", "1"));
            WriteBatch batch = new WriteBatch();
            batch.addMetadata(new MetricMetadata("a", MetricMetadata.Type.COUNTER, "A", ""));
            batch.addMetadata(new MetricMetadata("a", MetricMetadata.Type.GAUGE, "A", ""));
            batch.addMetadata(new MetricMetadata("b", MetricMetadata.Type.GAUGE, "B", "bytes"));
            batch.addMetadata(new MetricMetadata("c", MetricMetadata.Type.GAUGE, "C", ""));
            ingester.push("t", batch);

            assertThat(ingester.metricsMetadata("t", "", -1, -1)).containsExactly(new MetricMetadata("a", MetricMetadata.Type.COUNTER, "A", ""),
                    new MetricMetadata("b", MetricMetadata.Type.GAUGE, "B", "bytes"));
            assertThat(ingester.metricsMetadata("t", "b", -1, -1)).hasSize(1);
            assertThat(testing.counter("cortex_discarded_metadata", "reason", "per_metric_metadata_limit", "user", "t")).isEqualTo(1);
            assertThat(testing.counter("cortex_discarded_metadata", "reason", "per_user_metadata_limit", "user", "t")).isEqualTo(1);

            testing.core.testingClock().advance(Duration.ofMinutes(5));
            WriteBatch refresh = new WriteBatch();
            refresh.addMetadata(new MetricMetadata("b", MetricMetadata.Type.GAUGE, "B", "bytes"));
            ingester.push("t", refresh);
            testing.core.testingClock().advance(Duration.ofMinutes(6));
            ingester.purgeMetadata();
            assertThat(ingester.metricsMetadata("t", "", -1, -1)).as("a was not seen for 11m, b for 6m")
                    .containsExactly(new MetricMetadata("b", MetricMetadata.Type.GAUGE, "B", "bytes"));
            assertThat(ingester.metricsMetadata("nobody", "", -1, -1)).isEmpty();
        }
    }
}
