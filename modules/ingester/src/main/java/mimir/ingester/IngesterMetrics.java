package mimir.ingester;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The ingester's metrics, with Mimir's names (Micrometer's Prometheus registry adds {@code _total} to
 * counters). Ingester-wide meters live here; per-tenant meters ({@code user} tag) are made by
 * {@link #forTenant} and removed when the tenant's TSDB is closed.
 */
final class IngesterMetrics {
    /** Mimir's reasons in {@code cortex_discarded_samples_total}. */
    static final String SAMPLE_OUT_OF_ORDER = "sample-out-of-order";
    static final String SAMPLE_TOO_OLD = "sample-too-old";
    static final String NEW_VALUE_FOR_TIMESTAMP = "new-value-for-timestamp";
    static final String PER_USER_SERIES_LIMIT = "per_user_series_limit";
    static final String PER_METRIC_SERIES_LIMIT = "per_metric_series_limit";
    static final String PER_USER_METADATA_LIMIT = "per_user_metadata_limit";
    static final String PER_METRIC_METADATA_LIMIT = "per_metric_metadata_limit";

    final MeterRegistry registry;
    final Counter ingestedSamples;
    final Counter ingestedSamplesFailures;
    final Counter ingestedExemplars;
    final Counter ingestedExemplarsFailures;
    final Counter compactions;
    final Counter compactionsFailed;
    final Counter shipperUploads;
    final Counter shipperUploadFailures;
    final AtomicInteger inflightPushRequests = new AtomicInteger();
    volatile double lastSuccessfulUploadSeconds;

    IngesterMetrics(MeterRegistry registry, Ingester ingester) {
        this.registry = requireNonNull(registry, "registry is null");
        ingestedSamples = Counter.builder("cortex_ingester_ingested_samples").description("The total number of samples ingested.").register(registry);
        ingestedSamplesFailures = Counter.builder("cortex_ingester_ingested_samples_failures")
                .description("The total number of samples that errored on ingestion.").register(registry);
        ingestedExemplars = Counter.builder("cortex_ingester_ingested_exemplars").description("The total number of exemplars ingested.").register(registry);
        ingestedExemplarsFailures = Counter.builder("cortex_ingester_ingested_exemplars_failures")
                .description("The total number of exemplars that errored on ingestion.").register(registry);
        compactions = Counter.builder("cortex_ingester_tsdb_compactions").description("Total number of TSDB compactions that were executed.").register(registry);
        compactionsFailed = Counter.builder("cortex_ingester_tsdb_compactions_failed")
                .description("Total number of TSDB compactions that failed.").register(registry);
        shipperUploads = Counter.builder("cortex_ingester_shipper_uploads").description("Total number of uploaded TSDB blocks").register(registry);
        shipperUploadFailures = Counter.builder("cortex_ingester_shipper_upload_failures")
                .description("Total number of TSDB block upload failures").register(registry);
        Gauge.builder("cortex_ingester_shipper_last_successful_upload_timestamp_seconds", this, m -> m.lastSuccessfulUploadSeconds)
                .description("Unix timestamp (in seconds) of the last successful TSDB block uploaded to the bucket.").register(registry);
        Gauge.builder("cortex_ingester_inflight_push_requests", inflightPushRequests, AtomicInteger::get)
                .description("Current number of inflight push requests in ingester.").register(registry);
        IngesterConfig.InstanceLimits limits = ingester.instanceLimits();
        instanceLimit("max_ingestion_rate", limits.maxIngestionRate());
        instanceLimit("max_tenants", limits.maxTenants());
        instanceLimit("max_series", limits.maxSeries());
        instanceLimit("max_inflight_push_requests", limits.maxInflightPushRequests());
        Gauge.builder("cortex_ingester_memory_series", ingester, Ingester::memorySeries)
                .description("The current number of series in memory.").register(registry);
        Gauge.builder("cortex_ingester_memory_users", ingester, Ingester::memoryUsers)
                .description("The current number of users in memory.").register(registry);
        Gauge.builder("cortex_ingester_tsdb_head_min_timestamp_seconds", ingester, i -> i.headTimestampSeconds(true))
                .description("Minimum timestamp of the head block across all tenants.").register(registry);
        Gauge.builder("cortex_ingester_tsdb_head_max_timestamp_seconds", ingester, i -> i.headTimestampSeconds(false))
                .description("Maximum timestamp of the head block across all tenants.").register(registry);
    }

    private void instanceLimit(String limit, double value) {
        Gauge.builder("cortex_ingester_instance_limits", () -> value).tag("limit", limit).description("Instance limits used by this ingester.").register(registry);
    }

    /** {@code cortex_ingester_instance_rejected_requests_total{reason}}, Mimir's reasons (error ids with underscores). */
    Counter rejectedRequests(String reason) {
        return Counter.builder("cortex_ingester_instance_rejected_requests").tag("reason", reason)
                .description("Requests rejected for hitting per-instance limits").register(registry);
    }

    /** The meters of one tenant, removed together by {@link TenantMeters#remove()}. */
    TenantMeters forTenant(String tenant, TenantDb db) {
        return new TenantMeters(tenant, db);
    }

    final class TenantMeters {
        private final List<Meter> meters = new ArrayList<>();
        final Counter discardedOutOfOrder;
        final Counter discardedTooOld;
        final Counter discardedDuplicate;
        final Counter discardedPerUserLimit;
        final Counter discardedPerMetricLimit;
        final Counter discardedMetadataPerUser;
        final Counter discardedMetadataPerMetric;

        private TenantMeters(String tenant, TenantDb db) {
            discardedOutOfOrder = discarded(tenant, SAMPLE_OUT_OF_ORDER);
            discardedTooOld = discarded(tenant, SAMPLE_TOO_OLD);
            discardedDuplicate = discarded(tenant, NEW_VALUE_FOR_TIMESTAMP);
            discardedPerUserLimit = discarded(tenant, PER_USER_SERIES_LIMIT);
            discardedPerMetricLimit = discarded(tenant, PER_METRIC_SERIES_LIMIT);
            discardedMetadataPerUser = add(Counter.builder("cortex_discarded_metadata").tag("reason", PER_USER_METADATA_LIMIT).tag("user", tenant)
                    .description("The total number of metadata that were discarded.").register(registry));
            discardedMetadataPerMetric = add(Counter.builder("cortex_discarded_metadata").tag("reason", PER_METRIC_METADATA_LIMIT).tag("user", tenant)
                    .description("The total number of metadata that were discarded.").register(registry));
            add(FunctionCounter.builder("cortex_ingester_memory_series_created", db, d -> d.db().head().seriesCreatedTotal()).tag("user", tenant)
                    .description("The total number of series that were created per user.").register(registry));
            add(FunctionCounter.builder("cortex_ingester_memory_series_removed", db, d -> d.db().head().seriesRemovedTotal()).tag("user", tenant)
                    .description("The total number of series that were removed per user.").register(registry));
            // No activity tracking yet: the active series are the series in memory.
            add(gauge("cortex_ingester_active_series", tenant, db, d -> d.db().head().numSeries(), "Number of currently active series per user."));
            add(gauge("cortex_ingester_memory_metadata_per_user", tenant, db, d -> d.metadata().families(),
                    "The current number of metric families with metadata in memory per user."));
            add(gauge("cortex_ingester_tsdb_exemplar_exemplars_in_storage_per_user", tenant, db, d -> d.exemplars().size(),
                    "Number of exemplars in the tenant's circular storage."));
        }

        private Counter discarded(String tenant, String reason) {
            return add(Counter.builder("cortex_discarded_samples").tag("reason", reason).tag("user", tenant)
                    .description("The total number of samples that were discarded.").register(registry));
        }

        private Gauge gauge(String name, String tenant, TenantDb db, ToDoubleFunction<TenantDb> value, String help) {
            return Gauge.builder(name, db, value).tag("user", tenant).description(help).register(registry);
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }
}
