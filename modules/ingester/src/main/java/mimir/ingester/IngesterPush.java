package mimir.ingester;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.ingester.exemplars.ExemplarStorage;
import mimir.model.Labels;
import mimir.spi.limits.Limits;
import mimir.tsdb.DB;
import mimir.tsdb.DuplicateSampleException;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.OutOfBoundsSampleException;
import mimir.tsdb.OutOfOrderSampleException;
import mimir.tsdb.SampleRejectedException;

/**
 * Appends one push to a tenant's TSDB once the {@link Ingester} has admitted it (instance limits,
 * tenant opened and read-locked): samples series by series through one pooled {@link HeadAppender}
 * committed once, then exemplars and metadata. Refusals of single samples, series over a series
 * limit, and refused exemplars are soft: counted, and the first one returned as the push's 400.
 * Nothing is allocated per accepted sample: counts live in locals and reach the meters once per push.
 */
final class IngesterPush {
    private final IngesterMetrics metrics;
    private final IngesterLimits.Ring ring;
    private final Clock clock;
    private final EwmaRate ingestionRate;

    IngesterPush(IngesterMetrics metrics, IngesterLimits.Ring ring, Clock clock, EwmaRate ingestionRate) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.ring = requireNonNull(ring, "ring is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ingestionRate = requireNonNull(ingestionRate, "ingestionRate is null");
    }

    PushResult push(TenantDb tenant, WriteBatch batch, Limits limits) throws IngesterException {
        DB db = tenant.db();
        Head head = db.head();
        int maxSeriesPerUser = IngesterLimits.localLimit(limits.maxGlobalSeriesPerUser(), ring);
        int maxSeriesPerMetric = IngesterLimits.localLimit(limits.maxGlobalSeriesPerMetric(), ring);
        HeadAppender appender = tenant.appender();
        int accepted = 0;
        int outOfOrder = 0;
        int tooOld = 0;
        int duplicate = 0;
        int perUserLimit = 0;
        int perMetricLimit = 0;
        String firstError = null;
        int seriesCount = batch.seriesCount();
        try {
            for (int series = 0; series < seriesCount; series++) {
                Labels labels = batch.labels(series);
                int from = batch.sampleStart(series);
                int to = batch.sampleEnd(series);
                if (from == to) {
                    continue;
                }
                long ref = appender.ref(labels, batch.handle(series));
                if (ref == 0) {
                    if (maxSeriesPerUser > 0 && head.numSeries() >= maxSeriesPerUser) {
                        perUserLimit += to - from;
                        if (firstError == null) {
                            firstError = IngesterLimits.maxSeriesPerUser(limits.maxGlobalSeriesPerUser(), tenant.tenant());
                        }
                        continue;
                    }
                    if (maxSeriesPerMetric > 0 && tenant.seriesOfMetric(labels.metricName()) >= maxSeriesPerMetric) {
                        perMetricLimit += to - from;
                        if (firstError == null) {
                            firstError = IngesterLimits.maxSeriesPerMetric(limits.maxGlobalSeriesPerMetric(), labels);
                        }
                        continue;
                    }
                }
                boolean isNew = ref == 0;
                for (int sample = from; sample < to; sample++) {
                    long timestamp = batch.timestamp(sample);
                    try {
                        if (ref == 0) {
                            ref = appender.append(labels, timestamp, batch.value(sample));
                        }
                        else {
                            appender.append(ref, labels, timestamp, batch.value(sample));
                        }
                        accepted++;
                    }
                    catch (SampleRejectedException e) {
                        switch (e) {
                            case OutOfOrderSampleException ignored -> outOfOrder++;
                            case OutOfBoundsSampleException ignored -> tooOld++;
                            case DuplicateSampleException ignored -> duplicate++;
                        }
                        if (firstError == null) {
                            firstError = e.getMessage();
                        }
                    }
                }
                if (isNew && ref != 0) {
                    tenant.seriesCreated(labels.metricName());
                }
                Labels stored = appender.lastLabels();
                if (stored == labels || (stored != null && stored.equals(labels))) {
                    // The head's instance and handle, for a caller that keeps labels (see IngesterClient#push).
                    if (stored != labels) {
                        batch.setLabels(series, stored);
                    }
                    batch.setHandle(series, appender.lastHandle());
                }
            }
            int lateOutOfOrder = appender.commit();
            accepted -= lateOutOfOrder;
            outOfOrder += lateOutOfOrder;
        }
        catch (IOException e) {
            metrics.ingestedSamplesFailures.increment(batch.sampleCount());
            throw new IngesterException(500, "writing the WAL of tenant " + tenant.tenant() + " failed: " + e.getMessage(), e);
        }
        catch (IllegalArgumentException e) {
            // A series the distributor should not have let through (e.g. an empty label set).
            metrics.ingestedSamplesFailures.increment(batch.sampleCount());
            appender.rollback();
            throw new IngesterException(400, "invalid series for tenant " + tenant.tenant() + ": " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            metrics.ingestedSamplesFailures.increment(batch.sampleCount());
            appender.rollback();
            throw new IngesterException(503, "the TSDB of tenant " + tenant.tenant() + " refused the write: " + e.getMessage(), e);
        }
        finally {
            tenant.release(appender);
        }
        long now = clock.millis();
        tenant.pushed(now);
        int rejected = outOfOrder + tooOld + duplicate + perUserLimit + perMetricLimit;
        countDiscarded(tenant.meters(), outOfOrder, tooOld, duplicate, perUserLimit, perMetricLimit);
        metrics.ingestedSamples.increment(accepted);
        if (rejected > 0) {
            metrics.ingestedSamplesFailures.increment(rejected);
        }
        ingestionRate.add(accepted);
        (batch.source() == WriteBatch.Source.RULE ? tenant.ruleRate() : tenant.apiRate()).add(accepted);

        ExemplarOutcome exemplars = appendExemplars(tenant, batch, limits);
        if (firstError == null) {
            firstError = exemplars.firstError();
        }
        appendMetadata(tenant, batch, limits, now);
        Optional<PushResult.PushError> error = firstError == null ? Optional.empty()
                : Optional.of(new PushResult.PushError(400, "user=" + tenant.tenant() + ": " + firstError));
        return new PushResult(accepted, rejected, exemplars.accepted(), error);
    }

    private static void countDiscarded(IngesterMetrics.TenantMeters meters, int outOfOrder, int tooOld, int duplicate, int perUserLimit, int perMetricLimit) {
        if (outOfOrder > 0) {
            meters.discardedOutOfOrder.increment(outOfOrder);
        }
        if (tooOld > 0) {
            meters.discardedTooOld.increment(tooOld);
        }
        if (duplicate > 0) {
            meters.discardedDuplicate.increment(duplicate);
        }
        if (perUserLimit > 0) {
            meters.discardedPerUserLimit.increment(perUserLimit);
        }
        if (perMetricLimit > 0) {
            meters.discardedPerMetricLimit.increment(perMetricLimit);
        }
    }

    /** What {@link #appendExemplars} did: exemplars stored, and the first refusal's message or null. */
    private record ExemplarOutcome(int accepted, String firstError) {
        static final ExemplarOutcome NONE = new ExemplarOutcome(0, null);
    }

    /**
     * Stores the exemplars of series that exist in the head. Refusals are soft like refused samples: an
     * exemplar older than its series' newest one (unless {@code ignore_ooo_exemplars}) or of a series
     * that has no samples, with Mimir's messages; duplicates are dropped silently.
     */
    private ExemplarOutcome appendExemplars(TenantDb tenant, WriteBatch batch, Limits limits) {
        if (batch.exemplarCount() == 0) {
            return ExemplarOutcome.NONE;
        }
        ExemplarStorage exemplars = tenant.exemplars();
        exemplars.resize(IngesterLimits.localLimit(limits.maxGlobalExemplarsPerUser(), ring));
        if (exemplars.capacity() == 0) {
            return ExemplarOutcome.NONE;
        }
        int accepted = 0;
        int failed = 0;
        String firstError = null;
        Head head = tenant.db().head();
        for (int series = 0; series < batch.seriesCount(); series++) {
            int from = batch.exemplarStart(series);
            int to = batch.exemplarEnd(series);
            if (from == to) {
                continue;
            }
            Labels labels = batch.labels(series);
            if (head.seriesRef(labels) == 0) {
                failed += to - from;
                if (firstError == null) {
                    firstError = IngesterLimits.exemplarSeriesMissing(labels, batch.exemplarLabels(from), batch.exemplarTimestamp(from));
                }
                continue;
            }
            for (int i = from; i < to; i++) {
                switch (exemplars.add(labels, batch.exemplarLabels(i), batch.exemplarTimestamp(i), batch.exemplarValue(i))) {
                    case ADDED -> accepted++;
                    case OUT_OF_ORDER -> {
                        if (!limits.ignoreOooExemplars()) {
                            failed++;
                            if (firstError == null) {
                                firstError = IngesterLimits.exemplarOutOfOrder(labels, batch.exemplarLabels(i), batch.exemplarTimestamp(i));
                            }
                        }
                    }
                    case DUPLICATE, DISABLED -> {
                    }
                }
            }
        }
        metrics.ingestedExemplars.increment(accepted);
        if (failed > 0) {
            metrics.ingestedExemplarsFailures.increment(failed);
        }
        return new ExemplarOutcome(accepted, firstError);
    }

    private void appendMetadata(TenantDb tenant, WriteBatch batch, Limits limits, long now) {
        List<MetricMetadata> entries = batch.metadata();
        if (entries.isEmpty()) {
            return;
        }
        int perUser = IngesterLimits.localLimit(limits.maxGlobalMetadataPerUser(), ring);
        int perMetric = IngesterLimits.localLimit(limits.maxGlobalMetadataPerMetric(), ring);
        for (MetricMetadata entry : entries) {
            switch (tenant.metadata().add(entry, now, perUser, perMetric)) {
                case PER_USER_LIMIT -> tenant.meters().discardedMetadataPerUser.increment();
                case PER_METRIC_LIMIT -> tenant.meters().discardedMetadataPerMetric.increment();
                case ADDED, REFRESHED -> {
                }
            }
        }
    }
}
