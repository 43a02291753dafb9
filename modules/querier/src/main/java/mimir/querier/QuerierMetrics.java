package mimir.querier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.querier.storage.StoreGatewayQuerySource;

/**
 * The querier's metrics, with Mimir's names: {@code cortex_querier_queries_rejected_total{reason}}
 * (queries failed by a per-query limit) and {@code cortex_querier_worker_inflight_queries} (requests
 * the querier workers are executing).
 */
@Singleton
public final class QuerierMetrics {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final AtomicInteger workerInflight = new AtomicInteger();
    private final AtomicInteger bucketIndexLoaded = new AtomicInteger();

    @Inject
    public QuerierMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("cortex_querier_worker_inflight_queries", workerInflight);
        Gauge.builder("cortex_bucket_index_loaded", bucketIndexLoaded, AtomicInteger::get)
                .description("Number of bucket indexes currently loaded in-memory (here: tenants' block lists, read from the bucket index or a listing).")
                .register(registry);
    }

    /** The {@code cortex_bucket_index_*} metrics of the querier's block discovery. */
    StoreGatewayQuerySource.Listener bucketIndexListener() {
        Counter loads = Counter.builder("cortex_bucket_index_loads").description("Total number of bucket index loading attempts.").register(registry);
        Counter failures = Counter.builder("cortex_bucket_index_load_failures").description("Total number of bucket index loading failures.")
                .register(registry);
        Timer duration = Timer.builder("cortex_bucket_index_load_duration_seconds")
                .description("Duration of a single bucket index loading operation in seconds.").register(registry);
        return new StoreGatewayQuerySource.Listener() {
            @Override
            public void read(String tenant, boolean fromBucketIndex, long nanos, int tenantsCached) {
                loads.increment();
                duration.record(nanos, TimeUnit.NANOSECONDS);
                bucketIndexLoaded.set(tenantsCached);
            }

            @Override
            public void failed(String tenant) {
                loads.increment();
                failures.increment();
            }
        };
    }

    /** Counts a query rejected for {@code reason} (Mimir's reasons, e.g. {@code max-fetched-series-per-query}). */
    public void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("cortex_querier_queries_rejected_total")
                .description("Number of queries that were rejected, for example because they exceeded a limit.")
                .tag("reason", r).register(registry)).increment();
    }

    AtomicInteger workerInflight() {
        return workerInflight;
    }
}
