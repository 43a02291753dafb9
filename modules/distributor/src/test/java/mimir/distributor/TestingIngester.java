package mimir.distributor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;

/**
 * An ingester that records what it is pushed, copied out of the batch during the call (the distributor
 * reuses its batches). It can be told to fail a push or to refuse its first sample.
 */
final class TestingIngester implements IngesterClient {
    record StoredSeries(String tenant, Labels labels, List<long[]> samples, List<Labels> exemplars) {}

    final List<StoredSeries> series = new ArrayList<>();
    final List<MetricMetadata> metadata = new ArrayList<>();
    IngesterException failure;
    PushResult.PushError refuseFirstSample;
    /** If set, series' labels are replaced in the batch by the first equal instance seen, as the real ingester does. */
    java.util.Map<Labels, Labels> ownInstances;

    @Override
    public synchronized PushResult push(String tenant, WriteBatch batch) throws IngesterException {
        if (failure != null) {
            throw failure;
        }
        int accepted = 0;
        int rejected = 0;
        for (int s = 0; s < batch.seriesCount(); s++) {
            List<long[]> samples = new ArrayList<>();
            for (int i = batch.sampleStart(s); i < batch.sampleEnd(s); i++) {
                if (refuseFirstSample != null && rejected == 0) {
                    rejected++;
                    continue;
                }
                samples.add(new long[] {batch.timestamp(i), Double.doubleToLongBits(batch.value(i))});
                accepted++;
            }
            List<Labels> exemplars = new ArrayList<>();
            for (int e = batch.exemplarStart(s); e < batch.exemplarEnd(s); e++) {
                exemplars.add(batch.exemplarLabels(e));
            }
            series.add(new StoredSeries(tenant, batch.labels(s), samples, exemplars));
            if (ownInstances != null) {
                Labels own = ownInstances.computeIfAbsent(batch.labels(s), l -> Labels.of(l.toPairs()));
                batch.setLabels(s, own);
            }
        }
        metadata.addAll(batch.metadata());
        return new PushResult(accepted, rejected, batch.exemplarCount(), rejected > 0 ? Optional.of(refuseFirstSample) : Optional.empty());
    }

    synchronized List<String> storedSeries() {
        return series.stream().map(s -> s.labels().toString()).toList();
    }

    synchronized int storedSamples() {
        return series.stream().mapToInt(s -> s.samples().size()).sum();
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        throw new UnsupportedOperationException("not used by the distributor");
    }

    @Override
    public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
        throw new UnsupportedOperationException("not used by the distributor");
    }

    @Override
    public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
        throw new UnsupportedOperationException("not used by the distributor");
    }

    @Override
    public UserStats userStats(String tenant) {
        throw new UnsupportedOperationException("not used by the distributor");
    }

    @Override
    public void deleteSeries(String tenant, long start, long end, java.util.List<java.util.List<mimir.model.Matcher>> matcherSets) {
        throw new UnsupportedOperationException("not used by these tests");
    }
}
