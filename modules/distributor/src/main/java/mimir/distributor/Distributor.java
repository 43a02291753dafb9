package mimir.distributor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.IntSupplier;

import mimir.distributor.hatracker.HaTracker;
import mimir.distributor.remotewrite.Discards;
import mimir.distributor.remotewrite.RemoteWrite1Decoder;
import mimir.distributor.remotewrite.RemoteWrite2Decoder;
import mimir.distributor.remotewrite.SeriesCache;
import mimir.distributor.remotewrite.SeriesKeys;
import mimir.distributor.client.DistributorClient;
import mimir.distributor.client.PushOutcome;
import mimir.ingester.client.IngesterClient;
import mimir.ring.IngesterRing;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.spi.LocalInstances;
import mimir.spi.Overrides;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;
import mimir.spi.limits.RelabelConfig;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The distributor service: the one entry point of the write path, {@link #push(String, WriteBatch)},
 * used by remote write ({@link DistributorHttpApi}) and by OTLP. A push goes through, in Mimir's order:
 * the instance limits (inflight requests and bytes, instance ingestion rate), the tenant's request
 * rate, HA deduplication, {@code metric_relabel_configs} and {@code drop_labels}, validation, the
 * tenant's ingestion rate, and finally the ingester of this process. Series that fail validation are
 * dropped and the rest stored; the client then gets a 400 naming the first error, as in Mimir.
 *
 * <p>Thread-safe. Per-request state (decoders, batches) comes from a pool, so a push allocates nothing
 * per sample.
 */
@Singleton
public final class Distributor implements Service, DistributorClient {
    private static final System.Logger LOG = System.getLogger(Distributor.class.getName());

    static final String REASON_RATE_LIMITED = "rate_limited";
    static final String REASON_TOO_MANY_HA_CLUSTERS = "too_many_ha_clusters";
    static final String REASON_TOO_MANY_EXEMPLARS = "too_many_exemplars_per_series_per_request";
    static final String MISSING_RING = "the distributor needs the ingester ring (module ingester-ring) to find the ingesters";

    /** Per-request state, pooled. */
    static final class PushContext {
        final RemoteWrite1Decoder remoteWrite1 = new RemoteWrite1Decoder();
        final RemoteWrite2Decoder remoteWrite2 = new RemoteWrite2Decoder();
        final WriteBatch decoded = new WriteBatch();
        final WriteBatch validated = new WriteBatch();
        final SeriesKeys keys = new SeriesKeys();
        boolean[] keep = new boolean[64];
        /** Per validated series: the decoded series it came from if its labels can be cached, else -1. */
        int[] origin = new int[64];
        private byte[] decompressed = new byte[64 << 10];

        /** A buffer of at least {@code length} bytes; kept for the next request up to 4 MiB, larger ones are not. */
        byte[] decompressBuffer(int length) {
            if (length <= decompressed.length) {
                return decompressed;
            }
            byte[] buffer = new byte[length];
            if (length <= 4 << 20) {
                decompressed = buffer;
            }
            return buffer;
        }

        void keep(int series, boolean value) {
            if (series >= keep.length) {
                keep = java.util.Arrays.copyOf(keep, Math.max(series + 1, keep.length * 2));
            }
            keep[series] = value;
        }

        void origin(int series, int decoded) {
            if (series >= origin.length) {
                origin = java.util.Arrays.copyOf(origin, Math.max(series + 1, origin.length * 2));
            }
            origin[series] = decoded;
        }

        /** Drops the origins of the series {@link WriteBatch#retainSeries} drops with the same {@code keep}. */
        void retainOrigins(int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                if (keep[i]) {
                    origin[kept++] = origin[i];
                }
            }
        }
    }

    private final DistributorConfig config;
    private final Overrides overrides;
    private final Clock clock;
    private final LocalInstances localInstances;
    private final DistributorMetrics metrics;
    private final HaTracker haTracker;
    private final Relabeler relabeler = new Relabeler();
    private final Map<String, TokenBucket> requestRates = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> ingestionRates = new ConcurrentHashMap<>();
    private final InstanceIngestionRate instanceIngestionRate = new InstanceIngestionRate();
    private final ConcurrentLinkedQueue<PushContext> contexts = new ConcurrentLinkedQueue<>();
    private final Map<String, SeriesCache> seriesCaches = new ConcurrentHashMap<>();
    private final Function<String, IngesterClient> remoteIngesters;
    private volatile IngesterReplication ingesters;
    /** The healthy distributors sharing the tenants' global rate limits; 1 until the distributor ring is read. */
    private volatile IntSupplier healthyDistributors = () -> 1;

    @Inject
    public Distributor(DistributorConfig config, Overrides overrides, Clock clock, LocalInstances localInstances, DistributorMetrics metrics,
            HaTracker haTracker, Function<String, IngesterClient> remoteIngesters) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.localInstances = requireNonNull(localInstances, "localInstances is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.haTracker = requireNonNull(haTracker, "haTracker is null");
        this.remoteIngesters = requireNonNull(remoteIngesters, "remoteIngesters is null");
    }

    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public void start(ServiceContext context) {
        IngesterRing ring = localInstances.find(IngesterRing.class).orElseThrow(() -> new IllegalStateException(MISSING_RING));
        ingesters = new IngesterReplication(ring.client(), localInstances.find(IngesterClient.class), remoteIngesters, clock);
        LOG.log(Level.INFO, "distributor started ha_tracker=" + config.haTrackerEnabled() + " max_recv_msg_size=" + config.maxRecvMsgSize());
    }

    @Override
    public void stop() {
        IngesterReplication replication = ingesters;
        ingesters = null;
        if (replication != null) {
            replication.close();
        }
    }

    /** Sets where the number of healthy distributors comes from (the distributor ring). */
    void shareLimitsWith(IntSupplier distributors) {
        this.healthyDistributors = requireNonNull(distributors, "distributors is null");
    }

    /** A global per-tenant rate as this distributor enforces it: its share among the healthy distributors, as Mimir's global strategy. */
    private double localShare(double globalRate) {
        return globalRate / Math.max(1, healthyDistributors.getAsInt());
    }

    DistributorConfig config() {
        return config;
    }

    HaTracker haTracker() {
        return haTracker;
    }

    PushContext takeContext() {
        PushContext context = contexts.poll();
        return context == null ? new PushContext() : context;
    }

    void returnContext(PushContext context) {
        context.decoded.clear();
        context.validated.clear();
        context.keys.clear();
        contexts.offer(context);
    }

    /**
     * The tenant's {@link SeriesCache} for remote write 1.0 decoding, or null where a push may change a
     * series' labels between decoding and the ingester ({@code metric_relabel_configs},
     * {@code drop_labels}, HA replica deduplication): there the stored labels are not the sent ones, so
     * the sent bytes cannot name them. A new cache replaces the old one when the tenant's limits change
     * (its entries were validated under the old ones).
     */
    SeriesCache seriesCache(String tenant) {
        Limits limits = overrides.forTenant(tenant);
        if (!cacheable(limits)) {
            seriesCaches.remove(tenant);
            return null;
        }
        SeriesCache cache = seriesCaches.get(tenant);
        if (cache == null || cache.validatedFor() != limits) {
            cache = new SeriesCache(limits);
            seriesCaches.put(tenant, cache);
        }
        return cache;
    }

    private boolean cacheable(Limits limits) {
        return limits.metricRelabelConfigs().isEmpty() && limits.dropLabels().isEmpty() && !(config.haTrackerEnabled() && limits.acceptHaSamples());
    }

    /**
     * Pushes one tenant's batch: limits, HA deduplication, relabeling, validation, then the ingester.
     * The batch is read during the call only (the caller may reuse it afterwards) and is not changed.
     * This is the entry point for every write protocol (remote write, OTLP).
     *
     * @return the outcome for the client; never throws for bad data or limits
     */
    @Override
    public PushOutcome push(String tenant, WriteBatch batch) {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(batch, "batch is null");
        PushOutcome refused = startRequest(0);
        if (refused != null) {
            return refused;
        }
        PushContext context = takeContext();
        try {
            return push(tenant, batch, new Discards(), context, null);
        }
        finally {
            returnContext(context);
            finishRequest(0);
        }
    }

    /**
     * Counts a request in against the instance limits; returns the refusal, or null if admitted (then
     * {@link #finishRequest} must follow).
     */
    PushOutcome startRequest(long bytes) {
        long inflight = metrics.inflightRequests.incrementAndGet();
        long inflightBytes = metrics.inflightBytes.addAndGet(bytes);
        String refusal = null;
        if (config.maxInflightPushRequests() > 0 && inflight > config.maxInflightPushRequests()) {
            refusal = DistributorValidation.perInstanceLimit(
                    "the write request has been rejected because the distributor exceeded the allowed number of inflight push requests",
                    "distributor-max-inflight-push-requests", DistributorConfig.MAX_INFLIGHT_PUSH_REQUESTS_FLAG);
        }
        else if (config.maxInflightPushRequestsBytes() > 0 && inflightBytes > config.maxInflightPushRequestsBytes()) {
            refusal = DistributorValidation.perInstanceLimit(
                    "the write request has been rejected because the distributor exceeded the allowed total size in bytes of inflight push requests",
                    "distributor-max-inflight-push-requests-bytes", DistributorConfig.MAX_INFLIGHT_PUSH_REQUESTS_BYTES_FLAG);
        }
        else if (config.maxIngestionRate() > 0 && instanceIngestionRate.rate(nowNanos()) >= config.maxIngestionRate()) {
            refusal = DistributorValidation.perInstanceLimit("the write request has been rejected because the distributor exceeded the ingestion rate limit",
                    "distributor-max-ingestion-rate", DistributorConfig.MAX_INGESTION_RATE_FLAG);
        }
        if (refusal != null) {
            finishRequest(bytes);
            // Mimir answers instance limits with 500 so that senders retry later.
            return PushOutcome.error(500, refusal);
        }
        return null;
    }

    void finishRequest(long bytes) {
        metrics.inflightRequests.decrementAndGet();
        metrics.inflightBytes.addAndGet(-bytes);
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * The push proper, after the instance limits: {@code discards} already holds what decoding
     * dropped; the context's {@code validated} batch receives the checked series. With {@code cache}
     * (the tenant's, from {@link #seriesCache}; {@code context.keys} then describes {@code batch}),
     * series decoded from the cache skip label validation, and the others that pass it are added to it.
     */
    PushOutcome push(String tenant, WriteBatch batch, Discards discards, PushContext context, SeriesCache cache) {
        WriteBatch validated = context.validated;
        IngesterReplication target = ingesters;
        if (target == null) {
            return PushOutcome.error(503, "distributor is unavailable (not running)");
        }
        metrics.requestIn(tenant);
        metrics.in(tenant, batch.sampleCount() + discards.sampleCount(), batch.exemplarCount() + discards.exemplarCount(),
                batch.metadata().size() + discards.metadataCount());
        Limits limits = overrides.forTenant(tenant);
        long nowNanos = nowNanos();
        try {
            if (limits.requestRate() > 0
                    && !requestRates.computeIfAbsent(tenant, t -> new TokenBucket()).allow(nowNanos, localShare(limits.requestRate()), limits.requestBurstSize(), 1)) {
                discards.samples(REASON_RATE_LIMITED, batch.sampleCount(), "");
                return PushOutcome.error(429, DistributorValidation.perTenantLimits(String.format(
                        "the request has been rejected because the tenant exceeded the request rate limit, set to %s requests/s across all "
                                + "distributors with a maximum allowed burst of %d", goFloat(limits.requestRate()), limits.requestBurstSize()),
                        "tenant-max-request-rate", LimitsSettings.REQUEST_RATE.setting().flag(), LimitsSettings.REQUEST_BURST_SIZE.setting().flag()));
            }
            String removeReplica = null;
            if (config.haTrackerEnabled() && limits.acceptHaSamples() && batch.seriesCount() > 0) {
                Labels first = batch.labels(0);
                String cluster = first.get(limits.haClusterLabel());
                String replica = first.get(limits.haReplicaLabel());
                if (!cluster.isEmpty() && !replica.isEmpty()) {
                    HaTracker.Decision decision = haTracker.check(tenant, cluster, replica, limits.haTrackerUpdateTimeout(),
                            limits.haTrackerFailoverTimeout(), limits.haMaxClusters());
                    switch (decision) {
                        case HaTracker.NotElected notElected -> {
                            metrics.deduped(tenant, cluster, batch.sampleCount());
                            return PushOutcome.error(202, notElected.message());
                        }
                        case HaTracker.TooManyClusters tooMany -> {
                            discards.samples(REASON_TOO_MANY_HA_CLUSTERS, batch.sampleCount(), tooMany.message());
                            return PushOutcome.error(400, tooMany.message());
                        }
                        case HaTracker.Accept accept -> removeReplica = limits.haReplicaLabel();
                    }
                }
            }
            // A cache exists only for limits that leave labels as sent (no relabeling, dropped labels or HA
            // replica removal), so one validated under these very limits can be trusted.
            SeriesCache trusted = cache != null && cache.validatedFor() == limits ? cache : null;
            copyValid(batch, context, limits, removeReplica, clock.millis(), discards, trusted);
            int items = validated.sampleCount() + validated.exemplarCount() + validated.metadata().size();
            if (items > 0) {
                String rateLimited = ingestionRateLimit(tenant, limits, nowNanos, items);
                if (rateLimited != null) {
                    discards.samples(REASON_RATE_LIMITED, validated.sampleCount(), rateLimited);
                    return PushOutcome.error(429, rateLimited);
                }
            }
            metrics.received(tenant, validated.sampleCount(), validated.exemplarCount(), validated.metadata().size());
            PushResult result = new PushResult(0, 0, 0, java.util.Optional.empty());
            if (validated.seriesCount() > 0 || !validated.metadata().isEmpty()) {
                instanceIngestionRate.add(nowNanos, validated.sampleCount() + validated.exemplarCount() + validated.metadata().size());
                try {
                    result = target.push(tenant, limits.ingestionTenantShardSize(), validated);
                }
                catch (IngesterException e) {
                    return PushOutcome.error(e.httpStatus(), e.getMessage());
                }
                if (trusted != null) {
                    remember(trusted, batch, context);
                }
            }
            if (result.firstError().isPresent()) {
                PushResult.PushError error = result.firstError().get();
                // Errors of the ingester have priority over validation errors, as in Mimir.
                return new PushOutcome(error.httpStatus(), error.message(), result.acceptedSamples(), result.acceptedExemplars());
            }
            if (discards.any()) {
                return new PushOutcome(400, discards.message(), result.acceptedSamples(), result.acceptedExemplars());
            }
            return new PushOutcome(200, "", result.acceptedSamples(), result.acceptedExemplars());
        }
        finally {
            metrics.discarded(tenant, discards);
        }
    }

    private String ingestionRateLimit(String tenant, Limits limits, long nowNanos, int items) {
        int burst = limits.ingestionBurstSize();
        if (items > burst) {
            return DistributorValidation.perTenantLimit(String.format(
                    "the request has been rejected because the tenant exceeded the ingestion burst size limit, set to %d, with %d items. This "
                            + "limit is applied on the total number of samples, exemplars and metadata received across all distributors",
                    burst, items), "tenant-max-ingestion-rate", LimitsSettings.INGESTION_BURST_SIZE.setting().flag());
        }
        if (!ingestionRates.computeIfAbsent(tenant, t -> new TokenBucket()).allow(nowNanos, localShare(limits.ingestionRate()), burst, items)) {
            return DistributorValidation.perTenantLimits(String.format(
                    "the request has been rejected because the tenant exceeded the ingestion rate limit, set to %s items/s with a maximum "
                            + "allowed burst of %d. This limit is applied on the total number of samples, exemplars and metadata received "
                            + "across all distributors", goFloat(limits.ingestionRate()), burst), "tenant-max-ingestion-rate",
                    LimitsSettings.INGESTION_RATE.setting().flag(), LimitsSettings.INGESTION_BURST_SIZE.setting().flag());
        }
        return null;
    }

    /**
     * Adds to the cache the pushed series it did not give, and those whose labels the ingester replaced
     * by its own instance (the cache then holds the ingester's copy, not a second one).
     */
    private static void remember(SeriesCache cache, WriteBatch decoded, PushContext context) {
        WriteBatch pushed = context.validated;
        SeriesKeys keys = context.keys;
        for (int i = 0; i < pushed.seriesCount(); i++) {
            int from = context.origin[i];
            if (from < 0) {
                continue;
            }
            Labels stored = pushed.labels(i);
            Object handle = pushed.handle(i);
            if (!keys.fromCache(from) || stored != decoded.labels(from) || handle != decoded.handle(from)) {
                cache.put(keys.hash(from), stored, handle);
            }
        }
    }

    /** Go's {@code %v} of a float64: {@code 10000}, {@code 0.5}. */
    static String goFloat(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e21 ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * Copies the series of {@code batch} that survive relabeling, {@code drop_labels} and validation,
     * with their valid samples and exemplars, into {@code context.validated} (cleared first); then the
     * valid metadata. A series left with neither samples nor exemplars is not kept.
     */
    private void copyValid(WriteBatch batch, PushContext context, Limits limits, String removeReplica, long nowMillis, Discards discards,
            SeriesCache trusted) {
        WriteBatch out = context.validated;
        out.clear();
        out.setSource(batch.source());
        List<RelabelConfig> rules = limits.metricRelabelConfigs();
        String[] drop = limits.dropLabels().toArray(new String[0]);
        boolean anyEmpty = false;
        for (int series = 0; series < batch.seriesCount(); series++) {
            int sampleStart = batch.sampleStart(series);
            int sampleEnd = batch.sampleEnd(series);
            Labels labels = batch.labels(series);
            if (removeReplica != null) {
                labels = labels.without(removeReplica);
            }
            if (!rules.isEmpty()) {
                labels = relabeler.relabel(labels, rules);
                if (labels == null) {
                    continue;
                }
            }
            if (drop.length > 0) {
                labels = labels.without(drop);
            }
            if (labels.isEmpty()) {
                continue;
            }
            boolean fromCache = trusted != null && context.keys.fromCache(series);
            Labels valid = fromCache ? labels : DistributorValidation.labels(labels, limits, discards, sampleEnd - sampleStart);
            if (valid == null) {
                continue;
            }
            int index = out.addSeries(valid, fromCache ? batch.handle(series) : null);
            if (trusted != null) {
                // Only labels stored exactly as sent can be found again by the sent bytes.
                context.origin(index, valid == labels ? series : -1);
            }
            labels = valid;
            int samplesBefore = out.sampleCount();
            int exemplarsBefore = out.exemplarCount();
            for (int s = sampleStart; s < sampleEnd; s++) {
                if (DistributorValidation.sample(batch.timestamp(s), labels, nowMillis, limits, discards)) {
                    out.addSample(batch.timestamp(s), batch.value(s));
                }
            }
            int exemplarEnd = batch.exemplarEnd(series);
            int maxExemplars = limits.maxExemplarsPerSeriesPerRequest();
            if (maxExemplars > 0 && exemplarEnd - batch.exemplarStart(series) > maxExemplars) {
                // Mimir keeps the first ones and counts the rest, without an error.
                discards.exemplars(REASON_TOO_MANY_EXEMPLARS, exemplarEnd - batch.exemplarStart(series) - maxExemplars, null);
                exemplarEnd = batch.exemplarStart(series) + maxExemplars;
            }
            for (int e = batch.exemplarStart(series); e < exemplarEnd; e++) {
                if (DistributorValidation.exemplar(batch.exemplarLabels(e), batch.exemplarTimestamp(e), labels, discards)) {
                    out.addExemplar(batch.exemplarLabels(e), batch.exemplarTimestamp(e), batch.exemplarValue(e));
                }
            }
            boolean keep = out.sampleCount() > samplesBefore || out.exemplarCount() > exemplarsBefore;
            context.keep(index, keep);
            anyEmpty |= !keep;
        }
        if (anyEmpty) {
            if (trusted != null) {
                context.retainOrigins(out.seriesCount());
            }
            out.retainSeries(context.keep);
        }
        for (MetricMetadata metadata : batch.metadata()) {
            MetricMetadata valid = DistributorValidation.metadata(metadata, limits, discards);
            if (valid != null) {
                out.addMetadata(valid);
            }
        }
    }
}
