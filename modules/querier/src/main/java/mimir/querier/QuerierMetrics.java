package mimir.querier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Inject
    public QuerierMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("cortex_querier_worker_inflight_queries", workerInflight);
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
