package mimir.querier;

import java.time.Duration;
import java.util.List;

import mimir.promql.engine.EngineOptions;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.config.ValueTypes;
import mimir.storegateway.client.BucketStoreSettings;

/**
 * The {@code querier} block, and the shared settings the querier reads.
 *
 * @param maxConcurrent             {@code -querier.max-concurrent}: PromQL queries running at once, and querier workers
 * @param timeout                   {@code -querier.timeout}
 * @param maxSamples                {@code -querier.max-samples}
 * @param lookbackDelta             {@code -querier.lookback-delta}
 * @param defaultEvaluationInterval {@code -querier.default-evaluation-interval}: the step of subqueries written without one
 * @param querierId                 {@code -querier.id}: the worker's ID towards the query-scheduler (the host name if empty)
 * @param prometheusPrefix          {@code -http.prometheus-http-prefix}
 * @param federationEnabled         {@code -tenant-federation.enabled}
 * @param maxTenants                {@code -tenant-federation.max-tenants}: 0 for no limit
 * @param schedulerAddress          {@code -querier.scheduler-address}: {@code host:port} of a query-scheduler in another process
 *                                  that the workers take requests from; empty for the query-scheduler of this process
 * @param schedulerMaxRecvMsgSize   {@code -querier.frontend-client.grpc-max-recv-msg-size}: the largest request taken from it
 */
public record QuerierConfig(int maxConcurrent, Duration timeout, long maxSamples, Duration lookbackDelta, Duration defaultEvaluationInterval,
        String querierId, String prometheusPrefix, boolean federationEnabled, int maxTenants, Duration queryStoreAfter, BucketStoreSettings bucketStore,
        String schedulerAddress, int schedulerMaxRecvMsgSize) {
    static final Setting<Integer> MAX_CONCURRENT = Setting.basic("querier.max-concurrent", "querier.max_concurrent", ValueTypes.INT, 20,
            "The number of workers running in each querier process. This setting limits the maximum number of concurrent queries in each querier. "
                    + "The minimum value is four; lower values are ignored and set to the minimum");
    static final Setting<Duration> TIMEOUT = Setting.advanced("querier.timeout", "querier.timeout", ValueTypes.DURATION, Duration.ofMinutes(2),
            "The timeout for a query. This config option should be set on query-frontend too when query sharding is enabled. "
                    + "This also applies to queries evaluated by the ruler (internally or remotely).");
    static final Setting<Long> MAX_SAMPLES = Setting.advanced("querier.max-samples", "querier.max_samples", ValueTypes.LONG, 50_000_000L,
            "Maximum number of samples a single query can load into memory. This config option should be set on query-frontend too when query "
                    + "sharding is enabled.");
    static final Setting<Duration> LOOKBACK_DELTA = Setting.advanced("querier.lookback-delta", "querier.lookback_delta", ValueTypes.DURATION,
            Duration.ofMinutes(5), "Time since the last sample after which a time series is considered stale and ignored by expression evaluations. "
                    + "This config option should be set on query-frontend too when query sharding is enabled.");
    static final Setting<Duration> DEFAULT_EVALUATION_INTERVAL = Setting.advanced("querier.default-evaluation-interval",
            "querier.default_evaluation_interval", ValueTypes.DURATION, Duration.ofMinutes(1),
            "The default evaluation interval or step size for subqueries. This config option should be set on query-frontend too when query "
                    + "sharding is enabled.");
    static final Setting<String> QUERIER_ID = Setting.advanced("querier.id", "querier.id", ValueTypes.STRING, "",
            "Querier ID, sent to the query-frontend to identify requests from the same querier. Defaults to hostname.");
    static final Setting<Integer> MAX_TENANTS = Setting.advanced("tenant-federation.max-tenants", "tenant_federation.max_tenants", ValueTypes.INT, 0,
            "The max number of tenant IDs that may be supplied for a federated query if enabled. 0 to disable the limit.");

    static final Setting<Duration> QUERY_STORE_AFTER = Setting.advanced("querier.query-store-after", "querier.query_store_after", ValueTypes.DURATION,
            Duration.ofHours(12), "The time after which a metric should be queried from storage and not just ingesters. 0 means all queries are sent to "
                    + "store. If this option is enabled, the time range of the query sent to the store-gateway will be manipulated to ensure the query "
                    + "end is not more recent than 'now - query-store-after'.");

    static final Setting<String> SCHEDULER_ADDRESS = Setting.basic("querier.scheduler-address", "frontend_worker.scheduler_address", ValueTypes.STRING,
            "", "Address of the query-scheduler component, in host:port format, that the querier workers take queries from. Empty: the "
                    + "query-scheduler running in this process, used when the query-frontend runs here too. Finding query-schedulers by DNS or "
                    + "through their ring is not available yet.");
    static final Setting<Integer> SCHEDULER_MAX_RECV_MSG_SIZE = Setting.advanced("querier.frontend-client.grpc-max-recv-msg-size",
            "frontend_worker.grpc_client_config.max_recv_msg_size", ValueTypes.INT, 100 << 20,
            "gRPC client max receive message size (bytes): the largest request a querier worker takes from the query-scheduler.");

    /** Mimir's smallest {@code -querier.max-concurrent}. */
    static final int MIN_CONCURRENT = 4;

    public QuerierConfig {
        if (maxConcurrent < MIN_CONCURRENT) {
            maxConcurrent = MIN_CONCURRENT;
        }
        if (maxTenants < 0) {
            throw new IllegalArgumentException("-tenant-federation.max-tenants must not be negative");
        }
        if (queryStoreAfter.isNegative()) {
            throw new IllegalArgumentException("-querier.query-store-after must not be negative");
        }
        java.util.Objects.requireNonNull(bucketStore, "bucketStore is null");
        java.util.Objects.requireNonNull(schedulerAddress, "schedulerAddress is null");
        if (schedulerMaxRecvMsgSize <= 0) {
            throw new IllegalArgumentException("-querier.frontend-client.grpc-max-recv-msg-size must be positive: " + schedulerMaxRecvMsgSize);
        }
    }

    /** The defaults, for tests. */
    public static QuerierConfig defaults() {
        return new QuerierConfig(20, Duration.ofMinutes(2), 50_000_000, Duration.ofMinutes(5), Duration.ofMinutes(1), "", "/prometheus", false, 0, Duration.ofHours(12),
                BucketStoreSettings.defaults(), "", 100 << 20);
    }

    static List<Setting<?>> settings() {
        return List.of(MAX_CONCURRENT, TIMEOUT, MAX_SAMPLES, LOOKBACK_DELTA, DEFAULT_EVALUATION_INTERVAL, QUERIER_ID, MAX_TENANTS, QUERY_STORE_AFTER, SCHEDULER_ADDRESS,
                SCHEDULER_MAX_RECV_MSG_SIZE);
    }

    static void register(ConfigRegistry registry) {
        for (Setting<?> setting : settings()) {
            registry.register(setting);
        }
        BucketStoreSettings.register(registry);
    }

    static QuerierConfig from(ConfigValues values) {
        return new QuerierConfig(values.get(MAX_CONCURRENT), values.get(TIMEOUT), values.get(MAX_SAMPLES), values.get(LOOKBACK_DELTA),
                values.get(DEFAULT_EVALUATION_INTERVAL), values.get(QUERIER_ID), values.get(SharedSettings.PROMETHEUS_HTTP_PREFIX),
                values.get(SharedSettings.TENANT_FEDERATION_ENABLED), values.get(MAX_TENANTS), values.get(QUERY_STORE_AFTER),
                BucketStoreSettings.from(values), values.get(SCHEDULER_ADDRESS).strip(), values.get(SCHEDULER_MAX_RECV_MSG_SIZE));
    }

    /** The engine's options from the flags. */
    EngineOptions engineOptions() {
        return new EngineOptions(lookbackDelta, maxSamples, timeout, defaultEvaluationInterval);
    }

    public QuerierConfig withFederation(boolean enabled, int maxTenants) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix, enabled,
                maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }

    public QuerierConfig withMaxConcurrent(int maxConcurrent) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix,
                federationEnabled, maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }

    public QuerierConfig withStore(Duration queryStoreAfter, BucketStoreSettings bucketStore) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix,
                federationEnabled, maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }

    public QuerierConfig withEngine(Duration timeout, long maxSamples) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix,
                federationEnabled, maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }

    public QuerierConfig withScheduler(String schedulerAddress) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix,
                federationEnabled, maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }

    public QuerierConfig withQuerierId(String querierId) {
        return new QuerierConfig(maxConcurrent, timeout, maxSamples, lookbackDelta, defaultEvaluationInterval, querierId, prometheusPrefix,
                federationEnabled, maxTenants, queryStoreAfter, bucketStore, schedulerAddress, schedulerMaxRecvMsgSize);
    }
}
