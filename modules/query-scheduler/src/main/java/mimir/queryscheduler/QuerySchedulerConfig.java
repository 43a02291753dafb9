package mimir.queryscheduler;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code query_scheduler} block.
 *
 * @param maxOutstandingRequestsPerTenant how many requests of one tenant may wait in the queue; more are
 *                                        rejected with 429
 */
public record QuerySchedulerConfig(int maxOutstandingRequestsPerTenant) {
    static final Setting<Integer> MAX_OUTSTANDING_REQUESTS_PER_TENANT = Setting.basic("query-scheduler.max-outstanding-requests-per-tenant",
            "query_scheduler.max_outstanding_requests_per_tenant", ValueTypes.INT, 100,
            "Maximum number of outstanding requests per tenant per query-scheduler. In-flight requests above this limit will fail with HTTP response status code 429.");

    public QuerySchedulerConfig {
        if (maxOutstandingRequestsPerTenant <= 0) {
            throw new IllegalArgumentException("-query-scheduler.max-outstanding-requests-per-tenant must be positive: " + maxOutstandingRequestsPerTenant);
        }
    }

    static void register(ConfigRegistry registry) {
        registry.register(MAX_OUTSTANDING_REQUESTS_PER_TENANT);
    }

    static QuerySchedulerConfig from(ConfigValues values) {
        return new QuerySchedulerConfig(values.get(MAX_OUTSTANDING_REQUESTS_PER_TENANT));
    }
}
