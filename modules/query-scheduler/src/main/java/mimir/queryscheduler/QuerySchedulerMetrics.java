package mimir.queryscheduler;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** The scheduler's metrics, with Mimir's names so that Mimir's dashboards work. */
final class QuerySchedulerMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> queueLengths = new ConcurrentHashMap<>();
    private final Map<String, Counter> discarded = new ConcurrentHashMap<>();
    private final Timer queueDuration;
    private final DistributionSummary inflight;

    @Inject
    QuerySchedulerMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
        this.queueDuration = Timer.builder("cortex_query_scheduler_queue_duration_seconds")
                .description("Time spend by requests in queue before getting picked up by a querier.")
                .publishPercentileHistogram()
                .register(registry);
        this.inflight = DistributionSummary.builder("cortex_query_scheduler_inflight_requests")
                .description("Number of inflight requests (either queued or processing) sampled at a regular interval. Quantile buckets keep track of inflight requests over the last 60s.")
                .publishPercentiles(0.5, 0.75, 0.8, 0.9, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .distributionStatisticBufferLength(6)
                .register(registry);
    }

    void connectedQueriers(IntSupplier count) {
        Gauge.builder("cortex_query_scheduler_connected_querier_clients", count, c -> c.getAsInt())
                .description("Number of querier worker clients currently connected to the query-scheduler.")
                .strongReference(true) // the supplier is a lambda nobody else holds
                .register(registry);
    }

    void queueLength(String tenant, int length) {
        queueLengths.computeIfAbsent(tenant, t -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("cortex_query_scheduler_queue_length", value, AtomicInteger::get)
                    .description("Number of queries in the queue.")
                    .tag("user", t)
                    .register(registry);
            return value;
        }).set(length);
    }

    void discarded(String tenant) {
        discarded.computeIfAbsent(tenant, t -> Counter.builder("cortex_query_scheduler_discarded_requests")
                .description("Total number of query requests discarded.")
                .tag("user", t)
                .register(registry)).increment();
    }

    void queueDuration(Duration duration) {
        queueDuration.record(duration);
    }

    void sampleInflight(int count) {
        inflight.record(count);
    }
}
