package mimir.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import mimir.testing.MemoryObjectStore;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;

/**
 * An ingester built through {@link IngesterProvider} on {@link TestingCoreServices}, started, with
 * helpers to build pushes and read back what a tenant holds.
 */
final class TestingIngester implements AutoCloseable {
    /** 2026-01-01T00:00:00Z, aligned to the 2h block range. */
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final long HOUR = 3_600_000L;

    final TestingCoreServices core;
    final Ingester ingester;
    private boolean stopped;

    TestingIngester(Path tsdbDir, MemoryObjectStore store, UnaryOperator<TestingConfigValues> settings) throws Exception {
        this(tsdbDir, store, settings, NOW);
    }

    TestingIngester(Path tsdbDir, MemoryObjectStore store, UnaryOperator<TestingConfigValues> settings, Instant now) throws Exception {
        IngesterProvider provider = new IngesterProvider();
        // Background periods longer than any test, so only the test drives compaction, shipping and rates.
        TestingConfigValues values = settings.apply(TestingConfigValues.defaults(IngesterConfig.SETTINGS)
                .with(IngesterConfig.TSDB_DIR, tsdbDir.toString())
                .with(IngesterConfig.HEAD_COMPACTION_INTERVAL, Duration.ofMinutes(15))
                .with(IngesterConfig.SHIP_INTERVAL, Duration.ofHours(1))
                .with(IngesterConfig.RATE_UPDATE_PERIOD, Duration.ofHours(1)));
        core = new TestingCoreServices(values, store, Limits.defaults(), now, Set.of("ingester"));
        List<Service> services = provider.create(core, values);
        // The ingester and its ring lifecycler, which these tests leave unstarted.
        assertThat(services).hasSize(2);
        ingester = (Ingester) core.localInstances().find(IngesterClient.class).orElseThrow();
        assertThat(services.getFirst()).isSameAs(ingester);
        ingester.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    /** Sets one tenant's limits overrides (YAML names to values). */
    void overrides(String tenant, Map<String, String> limits) {
        core.testingOverrides().set(Map.of(tenant, Limits.defaults().withOverrides(limits)));
    }

    double counter(String name, String... tags) {
        var counter = core.simpleMeterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    double functionCounter(String name, String... tags) {
        var counter = core.simpleMeterRegistry().find(name).tags(tags).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    double gauge(String name, String... tags) {
        var gauge = core.simpleMeterRegistry().find(name).tags(tags).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** Stops the ingester (closing every TSDB without flushing, unless configured to). */
    @Override
    public void close() throws Exception {
        if (!stopped) {
            stopped = true;
            ingester.stop();
        }
    }

    /** A batch of one series per entry, each with samples at the given timestamps and value = timestamp / 1000. */
    static WriteBatch batch(Map<Labels, long[]> series) {
        WriteBatch batch = new WriteBatch();
        series.forEach((labels, timestamps) -> {
            batch.addSeries(labels);
            for (long t : timestamps) {
                batch.addSample(t, t / 1000.0);
            }
        });
        return batch;
    }

    static WriteBatch batch(Labels labels, long... timestamps) {
        return batch(Map.of(labels, timestamps));
    }

    /** Every sample of every series of a tenant, as series → timestamps. */
    static Map<Labels, List<Long>> read(IngesterClient client, String tenant) {
        return read(client.querier(tenant, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** Every sample of every series the querier returns, and closes it. */
    static Map<Labels, List<Long>> read(Querier opened) {
        Map<Labels, List<Long>> result = new TreeMap<>();
        try (Querier querier = opened) {
            SeriesSet set = querier.select(true, List.of(Matcher.regex("__name__", ".+")));
            while (set.next()) {
                List<Long> timestamps = new ArrayList<>();
                SampleIterator it = set.iterator();
                while (it.next()) {
                    assertThat(it.value()).isEqualTo(it.timestamp() / 1000.0);
                    timestamps.add(it.timestamp());
                }
                result.put(set.labels(), timestamps);
            }
        }
        return result;
    }
}
