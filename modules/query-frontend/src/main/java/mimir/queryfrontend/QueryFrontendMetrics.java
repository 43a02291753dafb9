package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;

/** The frontend's metrics, with Mimir's names. */
final class QueryFrontendMetrics {
    private final MeterRegistry registry;
    private final Counter splitQueries;
    private final DistributionSummary retries;

    @Inject
    QueryFrontendMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
        this.splitQueries = Counter.builder("cortex_frontend_split_queries")
                .description("Total number of underlying query requests after the split by interval is applied.")
                .register(registry);
        this.retries = DistributionSummary.builder("cortex_query_frontend_retries")
                .description("Number of times a request is retried.")
                .serviceLevelObjectives(1, 2, 3, 4, 5)
                .register(registry);
    }

    void query(String op, String tenant) {
        Counter.builder("cortex_query_frontend_queries")
                .description("Total queries sent per tenant.")
                .tag("op", op)
                .tag("user", tenant)
                .register(registry)
                .increment();
    }

    void rejected(String tenant, String reason) {
        Counter.builder("cortex_query_frontend_rejected_queries")
                .description("Number of queries that were rejected by the cluster administrator.")
                .tag("user", tenant)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    void splitQueries(int count) {
        splitQueries.increment(count);
    }

    /** A results cache lookup; {@code requestType} is Mimir's: query_range, label_names_and_values or cardinality. */
    void cacheLookup(String requestType, boolean hit) {
        Counter.builder("cortex_frontend_query_result_cache_requests")
                .description("Total number of requests (or partial requests) looked up in the results cache.")
                .tag("request_type", requestType)
                .register(registry)
                .increment();
        Counter hits = Counter.builder("cortex_frontend_query_result_cache_hits")
                .description("Total number of requests (or partial requests) fetched from the results cache.")
                .tag("request_type", requestType)
                .register(registry);
        if (hit) {
            hits.increment();
        }
    }

    void retries(int count) {
        retries.record(count);
    }
}
