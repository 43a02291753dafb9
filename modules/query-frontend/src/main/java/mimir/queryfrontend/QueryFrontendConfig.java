package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

import mimir.queryfrontend.cache.memcached.MemcachedClientConfig;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.config.ValueTypes;

/**
 * The {@code frontend} block, and the Prometheus API prefix the frontend serves under.
 *
 * <p>Not here yet: {@code -query-frontend.query-result-response-format} (the querier hands the frontend
 * its Prometheus JSON, in one process and over gRPC alike), and finding query-schedulers through DNS or
 * their ring: {@code -query-frontend.scheduler-address} names one scheduler.
 *
 * @param prometheusHttpPrefix      where the Prometheus API is served, e.g. {@code /prometheus}
 * @param splitQueriesByInterval    range queries are split at multiples of this; zero disables splitting
 * @param cacheResults              whether range query results are cached
 * @param resultsCacheBackend       {@code ""} or {@code inmemory}: the embedded cache; {@code memcached}
 * @param resultsCacheMaxSizeBytes  the embedded cache's size bound
 * @param memcached                 the memcached client's settings, used when the backend is {@code memcached}
 * @param maxRetries                attempts per request when the querier fails with a 5xx
 * @param logQueriesLongerThan      queries slower than this are logged; zero disables, negative logs all
 * @param queryTimeout              how long the frontend waits for the queriers before giving up
 * @param schedulerAddress          {@code host:port} of a query-scheduler in another process; empty for
 *                                  the query-scheduler of this process
 * @param grpcMaxRecvMsgSize        the largest message (a querier's response) taken from that scheduler
 */
public record QueryFrontendConfig(
        String prometheusHttpPrefix,
        Duration splitQueriesByInterval,
        boolean cacheResults,
        String resultsCacheBackend,
        long resultsCacheMaxSizeBytes,
        MemcachedClientConfig memcached,
        int maxRetries,
        Duration logQueriesLongerThan,
        Duration queryTimeout,
        String schedulerAddress,
        int grpcMaxRecvMsgSize) {

    static final String INMEMORY = "inmemory";
    static final String MEMCACHED = "memcached";
    static final String MEMCACHED_PREFIX = "query-frontend.results-cache.memcached.";
    private static final String MEMCACHED_YAML = "frontend.results_cache.memcached.";

    static final Setting<Duration> SPLIT_QUERIES_BY_INTERVAL = Setting.basic("query-frontend.split-queries-by-interval",
            "frontend.split_queries_by_interval", ValueTypes.DURATION, Duration.ofHours(24),
            "Split range queries by an interval and execute in parallel. You should use a multiple of 24 hours to optimize querying blocks. 0 to disable it.");
    static final Setting<Boolean> CACHE_RESULTS = Setting.basic("query-frontend.cache-results", "frontend.cache_results",
            ValueTypes.BOOLEAN, false, "Cache query results.");
    static final Setting<String> RESULTS_CACHE_BACKEND = Setting.basic("query-frontend.results-cache.backend", "frontend.results_cache.backend",
            ValueTypes.oneOf("", INMEMORY, MEMCACHED), "",
            "Backend for query-frontend results cache, if not empty. Supported values: inmemory (embedded, bounded by -query-frontend.results-cache.inmemory.max-size-bytes; "
                    + "also used when empty), memcached (the servers at -query-frontend.results-cache.memcached.addresses).");
    static final Setting<Long> RESULTS_CACHE_MAX_SIZE_BYTES = Setting.advanced("query-frontend.results-cache.inmemory.max-size-bytes",
            "frontend.results_cache.inmemory.max_size_bytes", ValueTypes.LONG, 128L * 1024 * 1024,
            "Maximum size of the embedded in-memory results cache in bytes; the least recently used entries are evicted beyond it.");
    static final Setting<List<String>> MEMCACHED_ADDRESSES = Setting.basic(MEMCACHED_PREFIX + "addresses", MEMCACHED_YAML + "addresses",
            ValueTypes.STRING_LIST, List.of(),
            "Comma-separated list of memcached addresses. Each address is host:port, or dns+host:port for every A/AAAA record of the host "
                    + "(looked up again every 10s). Mimir's dnssrv+ and dnssrvnoa+ are not supported.");
    static final Setting<Duration> MEMCACHED_TIMEOUT = Setting.basic(MEMCACHED_PREFIX + "timeout", MEMCACHED_YAML + "timeout",
            ValueTypes.DURATION, Duration.ofMillis(200), "The socket read/write timeout.");
    static final Setting<Duration> MEMCACHED_CONNECT_TIMEOUT = Setting.advanced(MEMCACHED_PREFIX + "connect-timeout", MEMCACHED_YAML + "connect_timeout",
            ValueTypes.DURATION, Duration.ofMillis(200), "The connection timeout.");
    static final Setting<Integer> MEMCACHED_MAX_IDLE_CONNECTIONS = Setting.advanced(MEMCACHED_PREFIX + "max-idle-connections",
            MEMCACHED_YAML + "max_idle_connections", ValueTypes.INT, 100, "The maximum number of idle connections that will be maintained per address.");
    static final Setting<Integer> MEMCACHED_MAX_ASYNC_CONCURRENCY = Setting.advanced(MEMCACHED_PREFIX + "max-async-concurrency",
            MEMCACHED_YAML + "max_async_concurrency", ValueTypes.INT, 50, "The maximum number of concurrent asynchronous operations can occur.");
    static final Setting<Integer> MEMCACHED_MAX_ASYNC_BUFFER_SIZE = Setting.advanced(MEMCACHED_PREFIX + "max-async-buffer-size",
            MEMCACHED_YAML + "max_async_buffer_size", ValueTypes.INT, 25000, "The maximum number of enqueued asynchronous operations allowed.");
    static final Setting<Integer> MEMCACHED_MAX_GET_MULTI_CONCURRENCY = Setting.advanced(MEMCACHED_PREFIX + "max-get-multi-concurrency",
            MEMCACHED_YAML + "max_get_multi_concurrency", ValueTypes.INT, 100,
            "The maximum number of concurrent connections running get operations. If set to 0, concurrency is unlimited.");
    static final Setting<Integer> MEMCACHED_MAX_GET_MULTI_BATCH_SIZE = Setting.advanced(MEMCACHED_PREFIX + "max-get-multi-batch-size",
            MEMCACHED_YAML + "max_get_multi_batch_size", ValueTypes.INT, 100,
            "The maximum number of keys a single underlying get operation should run. If more keys are specified, internally keys are split into "
                    + "multiple batches and fetched concurrently, honoring the max concurrency. If set to 0, the max batch size is unlimited.");
    static final Setting<Integer> MEMCACHED_MAX_ITEM_SIZE = Setting.advanced(MEMCACHED_PREFIX + "max-item-size", MEMCACHED_YAML + "max_item_size",
            ValueTypes.INT, 1024 * 1024,
            "The maximum size of an item stored in memcached, in bytes. Bigger items are not stored. If set to 0, no maximum size is enforced.");
    static final Setting<Integer> MAX_RETRIES = Setting.advanced("query-frontend.max-retries-per-request", "frontend.max_retries",
            ValueTypes.INT, 5, "Maximum number of retries for a single request; beyond this, the downstream error is returned.");
    static final Setting<Duration> LOG_QUERIES_LONGER_THAN = Setting.basic("query-frontend.log-queries-longer-than",
            "frontend.log_queries_longer_than", ValueTypes.DURATION, Duration.ZERO,
            "Log queries that are slower than the specified duration. Set to 0 to disable. Set to < 0 to enable on all queries.");
    static final Setting<Duration> QUERY_TIMEOUT = Setting.advanced("query-frontend.query-timeout", "frontend.query_timeout",
            ValueTypes.DURATION, Duration.ofMinutes(2),
            "How long the query-frontend waits for the queriers to answer a request before it cancels it and returns a timeout error. (Not in Mimir, where the HTTP server's write timeout plays this role.)");
    static final Setting<String> SCHEDULER_ADDRESS = Setting.basic("query-frontend.scheduler-address", "frontend.scheduler_address",
            ValueTypes.STRING, "",
            "Address of the query-scheduler component, in host:port format. Empty: the query-scheduler running in this process (target all or backend "
                    + "together with query-frontend). Finding query-schedulers by DNS or through their ring is not available yet.");
    static final Setting<Integer> GRPC_MAX_RECV_MSG_SIZE = Setting.advanced("query-frontend.grpc-client-config.grpc-max-recv-msg-size",
            "frontend.grpc_client_config.max_recv_msg_size", ValueTypes.INT, 100 << 20,
            "gRPC client max receive message size (bytes): the largest querier response the query-frontend takes from a query-scheduler in "
                    + "another process; larger responses fail with an error naming this limit.");

    public QueryFrontendConfig {
        requireNonNull(prometheusHttpPrefix, "prometheusHttpPrefix is null");
        requireNonNull(splitQueriesByInterval, "splitQueriesByInterval is null");
        requireNonNull(resultsCacheBackend, "resultsCacheBackend is null");
        requireNonNull(logQueriesLongerThan, "logQueriesLongerThan is null");
        requireNonNull(queryTimeout, "queryTimeout is null");
        if (splitQueriesByInterval.isNegative()) {
            throw new IllegalArgumentException("-query-frontend.split-queries-by-interval must not be negative: " + splitQueriesByInterval);
        }
        requireNonNull(memcached, "memcached is null");
        if (cacheResults && resultsCacheBackend.equals(MEMCACHED)) {
            memcached.requireAddresses("when -query-frontend.results-cache.backend=memcached");
        }
        if (resultsCacheMaxSizeBytes <= 0) {
            throw new IllegalArgumentException("-query-frontend.results-cache.inmemory.max-size-bytes must be positive: " + resultsCacheMaxSizeBytes);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("-query-frontend.max-retries-per-request must not be negative: " + maxRetries);
        }
        if (!queryTimeout.isPositive()) {
            throw new IllegalArgumentException("-query-frontend.query-timeout must be positive: " + queryTimeout);
        }
        requireNonNull(schedulerAddress, "schedulerAddress is null");
        if (grpcMaxRecvMsgSize <= 0) {
            throw new IllegalArgumentException("-query-frontend.grpc-client-config.grpc-max-recv-msg-size must be positive: " + grpcMaxRecvMsgSize);
        }
        if (prometheusHttpPrefix.endsWith("/")) {
            prometheusHttpPrefix = prometheusHttpPrefix.substring(0, prometheusHttpPrefix.length() - 1);
        }
    }

    static void register(ConfigRegistry registry) {
        registry.register(SPLIT_QUERIES_BY_INTERVAL);
        registry.register(CACHE_RESULTS);
        registry.register(RESULTS_CACHE_BACKEND);
        registry.register(RESULTS_CACHE_MAX_SIZE_BYTES);
        registry.register(MEMCACHED_ADDRESSES);
        registry.register(MEMCACHED_TIMEOUT);
        registry.register(MEMCACHED_CONNECT_TIMEOUT);
        registry.register(MEMCACHED_MAX_IDLE_CONNECTIONS);
        registry.register(MEMCACHED_MAX_ASYNC_CONCURRENCY);
        registry.register(MEMCACHED_MAX_ASYNC_BUFFER_SIZE);
        registry.register(MEMCACHED_MAX_GET_MULTI_CONCURRENCY);
        registry.register(MEMCACHED_MAX_GET_MULTI_BATCH_SIZE);
        registry.register(MEMCACHED_MAX_ITEM_SIZE);
        registry.register(MAX_RETRIES);
        registry.register(LOG_QUERIES_LONGER_THAN);
        registry.register(QUERY_TIMEOUT);
        registry.register(SCHEDULER_ADDRESS);
        registry.register(GRPC_MAX_RECV_MSG_SIZE);
    }

    static QueryFrontendConfig from(ConfigValues values) {
        return new QueryFrontendConfig(values.get(SharedSettings.PROMETHEUS_HTTP_PREFIX), values.get(SPLIT_QUERIES_BY_INTERVAL),
                values.get(CACHE_RESULTS), values.get(RESULTS_CACHE_BACKEND), values.get(RESULTS_CACHE_MAX_SIZE_BYTES), memcached(values),
                values.get(MAX_RETRIES), values.get(LOG_QUERIES_LONGER_THAN), values.get(QUERY_TIMEOUT),
                values.get(SCHEDULER_ADDRESS).strip(), values.get(GRPC_MAX_RECV_MSG_SIZE));
    }

    static MemcachedClientConfig memcached(ConfigValues values) {
        return new MemcachedClientConfig(MEMCACHED_PREFIX, values.get(MEMCACHED_ADDRESSES), values.get(MEMCACHED_TIMEOUT),
                values.get(MEMCACHED_CONNECT_TIMEOUT), values.get(MEMCACHED_MAX_IDLE_CONNECTIONS), values.get(MEMCACHED_MAX_ASYNC_CONCURRENCY),
                values.get(MEMCACHED_MAX_ASYNC_BUFFER_SIZE), values.get(MEMCACHED_MAX_GET_MULTI_CONCURRENCY), values.get(MEMCACHED_MAX_GET_MULTI_BATCH_SIZE),
                values.get(MEMCACHED_MAX_ITEM_SIZE));
    }
}
