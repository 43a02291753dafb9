package mimir.querier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.promql.storage.MemoryStorage;

/**
 * An in-memory ingester for querier tests: per tenant a {@link MemoryStorage}, metadata, exemplars and
 * user stats the test sets. Counts the queriers opened so tests can see whether the ingester was asked.
 */
final class TestingIngesterClient implements IngesterClient {
    private final Map<String, MemoryStorage> storages = new ConcurrentHashMap<>();
    private final Map<String, List<MetricMetadata>> metadata = new ConcurrentHashMap<>();
    private final Map<String, List<ExemplarSeries>> exemplars = new ConcurrentHashMap<>();
    private final Map<String, UserStats> stats = new ConcurrentHashMap<>();
    volatile int queriersOpened;
    /** Runs on the querying thread each time a querier is opened (to block or slow a query in a test). */
    volatile Runnable onQuerier = () -> {};

    /** Appends one sample of the tenant. */
    TestingIngesterClient add(String tenant, Labels labels, long timestamp, double value) {
        storages.computeIfAbsent(tenant, t -> new MemoryStorage()).append(labels, timestamp, value);
        return this;
    }

    void addMetadata(String tenant, MetricMetadata entry) {
        metadata.computeIfAbsent(tenant, t -> new ArrayList<>()).add(entry);
    }

    void addExemplars(String tenant, ExemplarSeries series) {
        exemplars.computeIfAbsent(tenant, t -> new ArrayList<>()).add(series);
    }

    void setUserStats(String tenant, UserStats userStats) {
        stats.put(tenant, userStats);
    }

    @Override
    public PushResult push(String tenant, WriteBatch batch) {
        throw new UnsupportedOperationException("the querier never pushes");
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        queriersOpened++;
        onQuerier.run();
        return storages.computeIfAbsent(tenant, t -> new MemoryStorage()).querier(mint, maxt);
    }

    @Override
    public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
        List<MetricMetadata> out = new ArrayList<>();
        for (MetricMetadata entry : metadata.getOrDefault(tenant, List.of())) {
            if (metric.isEmpty() || entry.metricFamilyName().equals(metric)) {
                out.add(entry);
            }
        }
        return out;
    }

    @Override
    public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
        List<ExemplarSeries> out = new ArrayList<>();
        for (ExemplarSeries series : exemplars.getOrDefault(tenant, List.of())) {
            boolean matches = false;
            for (List<Matcher> set : matcherSets) {
                boolean all = true;
                for (Matcher matcher : set) {
                    all &= matcher.matches(series.seriesLabels().get(matcher.name()));
                }
                matches |= all;
            }
            List<ExemplarSeries.Exemplar> inRange = series.exemplars().stream().filter(e -> e.timestamp() >= start && e.timestamp() <= end).toList();
            if (matches && !inRange.isEmpty()) {
                out.add(new ExemplarSeries(series.seriesLabels(), inRange));
            }
        }
        return out;
    }

    @Override
    public UserStats userStats(String tenant) {
        return stats.getOrDefault(tenant, new UserStats(0, 0, 0, 0));
    }

    @Override
    public void deleteSeries(String tenant, long start, long end, java.util.List<java.util.List<mimir.model.Matcher>> matcherSets) {
        throw new UnsupportedOperationException("not used by these tests");
    }
}
