package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/**
 * dskit's cache client metrics under Mimir's {@code thanos_} prefix, labelled {@code name} (e.g.
 * {@code frontend-cache}) and {@code backend="memcached"}: {@code thanos_cache_requests_total} and
 * {@code thanos_cache_hits_total} (keys), {@code thanos_cache_operations_total},
 * {@code thanos_cache_operation_failures_total} (by reason), {@code thanos_cache_operation_skipped_total}
 * ({@code max-item-size}, {@code async-buffer-full}), {@code thanos_cache_operation_duration_seconds} and
 * {@code thanos_cache_operation_data_size_bytes}, the series of both operations registered up front.
 */
final class MemcachedClientMetrics {
    static final String GET_MULTI = "getmulti";
    static final String SET = "set";
    static final String MAX_ITEM_SIZE = "max-item-size";
    static final String ASYNC_BUFFER_FULL = "async-buffer-full";
    static final List<String> FAILURE_REASONS = List.of("connect-timeout", "request-timeout", "malformed-key", "server-error", "network-error", "other");

    private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(6), Duration.ofSeconds(10)};
    private static final double[] SIZE_BUCKETS = {32, 256, 512, 1024, 32 * 1024, 256 * 1024, 512 * 1024, 1024 * 1024, 32 * 1024 * 1024,
            256 * 1024 * 1024, 512 * 1024 * 1024};

    private final MeterRegistry registry;
    private final String name;
    private final Counter requests;
    private final Counter hits;

    MemcachedClientMetrics(MeterRegistry registry, String name) {
        this.registry = requireNonNull(registry, "registry is null");
        this.name = requireNonNull(name, "name is null");
        this.requests = counter("thanos_cache_requests", "Total number of items requests to cache.").register(registry);
        this.hits = counter("thanos_cache_hits", "Total number of items requests to the cache that were a hit.").register(registry);
        for (String operation : List.of(GET_MULTI, SET)) {
            operation(operation);
            duration(operation);
            dataSize(operation);
            for (String reason : FAILURE_REASONS) {
                failure(operation, reason);
            }
        }
        skipped(GET_MULTI, MAX_ITEM_SIZE);
        skipped(SET, MAX_ITEM_SIZE);
        skipped(SET, ASYNC_BUFFER_FULL);
    }

    private Counter.Builder counter(String metric, String help) {
        return Counter.builder(metric).description(help).tag("name", name).tag("backend", "memcached");
    }

    void requested(int keys, int found) {
        requests.increment(keys);
        hits.increment(found);
    }

    Counter operation(String operation) {
        return counter("thanos_cache_operations", "Total number of operations against cache.").tag("operation", operation).register(registry);
    }

    Counter failure(String operation, String reason) {
        return counter("thanos_cache_operation_failures", "Total number of operations against cache that failed.")
                .tag("operation", operation).tag("reason", reason).register(registry);
    }

    Counter skipped(String operation, String reason) {
        return counter("thanos_cache_operation_skipped", "Total number of operations against cache that have been skipped.")
                .tag("operation", operation).tag("reason", reason).register(registry);
    }

    Timer duration(String operation) {
        return Timer.builder("thanos_cache_operation_duration_seconds").description("Duration of operations against cache.")
                .tag("name", name).tag("backend", "memcached").tag("operation", operation)
                .serviceLevelObjectives(DURATION_BUCKETS).register(registry);
    }

    DistributionSummary dataSize(String operation) {
        return DistributionSummary.builder("thanos_cache_operation_data_size_bytes").description("Tracks the size of the data stored in and fetched from cache.")
                .tag("name", name).tag("backend", "memcached").tag("operation", operation)
                .serviceLevelObjectives(SIZE_BUCKETS).register(registry);
    }
}
