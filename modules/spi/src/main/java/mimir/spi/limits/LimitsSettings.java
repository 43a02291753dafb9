package mimir.spi.limits;

import static mimir.spi.config.Category.ADVANCED;
import static mimir.spi.config.Category.BASIC;
import static mimir.spi.config.Category.EXPERIMENTAL;
import static mimir.spi.config.ValueTypes.BOOLEAN;
import static mimir.spi.config.ValueTypes.DOUBLE;
import static mimir.spi.config.ValueTypes.DURATION;
import static mimir.spi.config.ValueTypes.INT;
import static mimir.spi.config.ValueTypes.LONG;
import static mimir.spi.config.ValueTypes.STRING;
import static mimir.spi.config.ValueTypes.STRING_LIST;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.spi.config.Category;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueType;
import mimir.spi.config.ValueTypes;

/**
 * Every per-tenant limit of Mimir's {@code limits} block, in the order of Mimir's
 * {@code pkg/util/validation/limits.go}, with Mimir's YAML keys, flags, defaults, help texts and
 * categories. This table is the single source of truth: {@link Limits} stores values by definition,
 * the launcher registers {@link #register the settings}, {@code -help} prints them, and
 * {@code /config}, {@code /runtime_config} and the overrides-exporter read them back by YAML key.
 *
 * <p>A few of Mimir's limits are not here yet (active series custom trackers, cost attribution
 * labels, per-integration notification rates, per-namespace ruler limits, the ruler's Alertmanager
 * client): they are structured values that no component of this implementation reads so far.
 */
public final class LimitsSettings {
    /** The YAML path of the limits block in the main config file. */
    public static final String YAML_PREFIX = "limits";

    // Must be initialized before the definitions below, which append to it.
    private static final List<LimitDefinition<?>> TABLE = new ArrayList<>();

    private static final String RESULTS_CACHE_TTL_FLAG = "query-frontend.results-cache-ttl";
    private static final String RESULTS_CACHE_TTL_OOO_FLAG = "query-frontend.results-cache-ttl-for-out-of-order-time-window";
    private static final String MAX_LABEL_NAMES_PER_SERIES_FLAG = "validation.max-label-names-per-series";
    private static final String MAX_CHUNKS_PER_QUERY_FLAG = "querier.max-fetched-chunks-per-query";

    // Distributor.
    public static final LimitDefinition<Integer> MAX_ACTIVE_SERIES_PER_USER = define("max_active_series_per_user",
            "distributor.max-active-series-per-user", INT, 0, EXPERIMENTAL,
            "Maximum number of active series per user. 0 means no limit. This limit only applies with ingest storage enabled.");
    public static final LimitDefinition<Double> REQUEST_RATE = define("request_rate",
            "distributor.request-rate-limit", DOUBLE, 0.0, BASIC,
            "Per-tenant push request rate limit in requests per second. 0 to disable.");
    public static final LimitDefinition<Integer> REQUEST_BURST_SIZE = define("request_burst_size",
            "distributor.request-burst-size", INT, 0, BASIC,
            "Per-tenant allowed push request burst size. 0 to disable.");
    public static final LimitDefinition<Double> INGESTION_RATE = define("ingestion_rate",
            "distributor.ingestion-rate-limit", DOUBLE, 10000.0, BASIC,
            "Per-tenant ingestion rate limit in samples per second.");
    public static final LimitDefinition<Integer> INGESTION_BURST_SIZE = define("ingestion_burst_size",
            "distributor.ingestion-burst-size", INT, 200000, BASIC,
            "Per-tenant allowed ingestion burst size (in number of samples).");
    public static final LimitDefinition<Double> INGESTION_BURST_FACTOR = define("ingestion_burst_factor",
            "distributor.ingestion-burst-factor", DOUBLE, 0.0, EXPERIMENTAL,
            "Per-tenant burst factor which is the maximum burst size allowed as a multiple of the per-tenant ingestion rate, "
                    + "this burst-factor must be greater than or equal to 1. If this is set it will override the ingestion-burst-size option.");
    public static final LimitDefinition<Boolean> ACCEPT_HA_SAMPLES = define("accept_ha_samples",
            "distributor.ha-tracker.enable-for-all-users", BOOLEAN, false, BASIC,
            "Flag to enable, for all tenants, handling of samples with external labels identifying replicas in an HA Prometheus setup.");
    public static final LimitDefinition<String> HA_CLUSTER_LABEL = define("ha_cluster_label",
            "distributor.ha-tracker.cluster", STRING, "cluster", BASIC,
            "Prometheus label to look for in samples to identify a Prometheus HA cluster.");
    public static final LimitDefinition<String> HA_REPLICA_LABEL = define("ha_replica_label",
            "distributor.ha-tracker.replica", STRING, "__replica__", BASIC,
            "Prometheus label to look for in samples to identify a Prometheus HA replica.");
    public static final LimitDefinition<Integer> HA_MAX_CLUSTERS = define("ha_max_clusters",
            "distributor.ha-tracker.max-clusters", INT, 100, BASIC,
            "Maximum number of clusters that HA tracker will keep track of for a single tenant. 0 to disable the limit.");
    public static final LimitDefinition<Duration> HA_TRACKER_UPDATE_TIMEOUT = define("ha_tracker_update_timeout",
            "distributor.ha-tracker.update-timeout", DURATION, Duration.ofSeconds(15), ADVANCED,
            "Update the timestamp in the KV store for a given cluster/replica only after this amount of time has passed since the current stored timestamp.");
    public static final LimitDefinition<Duration> HA_TRACKER_UPDATE_TIMEOUT_JITTER_MAX = define("ha_tracker_update_timeout_jitter_max",
            "distributor.ha-tracker.update-timeout-jitter-max", DURATION, Duration.ofSeconds(5), ADVANCED,
            "Maximum jitter applied to the update timeout, in order to spread the HA heartbeats over time.");
    public static final LimitDefinition<Duration> HA_TRACKER_FAILOVER_TIMEOUT = define("ha_tracker_failover_timeout",
            "distributor.ha-tracker.failover-timeout", DURATION, Duration.ofSeconds(30), ADVANCED,
            "If we don't receive any samples from the accepted replica for a cluster in this amount of time we will failover to the next replica "
                    + "we receive a sample from. This value must be greater than the update timeout.");
    public static final LimitDefinition<Duration> HA_TRACKER_SAMPLE_FAILOVER_TIMEOUT = define("ha_tracker_sample_failover_timeout",
            "distributor.ha-tracker.failover-sample-timeout", DURATION, Duration.ZERO, ADVANCED,
            "Additional timeout to use for failover that uses the earliest sample time instead of the current time. Defaults to 0, which is disabled. "
                    + "This is useful to prevent samples from being too close together during failover when write requests are delayed so that "
                    + "the sample time is earlier than the current time.");
    public static final LimitDefinition<List<String>> DROP_LABELS = define("drop_labels",
            "distributor.drop-label", STRING_LIST, List.of(), ADVANCED,
            "This flag can be used to specify label names that to drop during sample ingestion within the distributor and can be repeated "
                    + "in order to drop multiple labels.");
    public static final LimitDefinition<Integer> MAX_LABEL_NAME_LENGTH = define("max_label_name_length",
            "validation.max-length-label-name", INT, 1024, BASIC,
            "Maximum length accepted for label names");
    public static final LimitDefinition<Integer> MAX_LABEL_VALUE_LENGTH = define("max_label_value_length",
            "validation.max-length-label-value", INT, 2048, BASIC,
            "Maximum length accepted for label value. This setting also applies to the metric name");
    public static final LimitDefinition<String> LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY = define("label_value_length_over_limit_strategy",
            "validation.label-value-length-over-limit-strategy", ValueTypes.oneOf("error", "truncate", "drop"), "error", EXPERIMENTAL,
            "What to do for label values over the length limit. Options are: 'error', 'truncate', 'drop'. For 'truncate', the hash of the full "
                    + "value replaces the end portion of the value. For 'drop', the hash fully replaces the value.");
    public static final LimitDefinition<Integer> MAX_LABEL_NAMES_PER_SERIES = define("max_label_names_per_series",
            MAX_LABEL_NAMES_PER_SERIES_FLAG, INT, 30, BASIC,
            "Maximum number of label names per series.");
    public static final LimitDefinition<Integer> MAX_LABEL_NAMES_PER_INFO_SERIES = define("max_label_names_per_info_series",
            "validation.max-label-names-per-info-series", INT, 80, BASIC,
            "Maximum number of label names per info series. Has no effect if less than the value of the maximum number of label names per "
                    + "series option (-" + MAX_LABEL_NAMES_PER_SERIES_FLAG + ")");
    public static final LimitDefinition<Integer> MAX_METADATA_LENGTH = define("max_metadata_length",
            "validation.max-metadata-length", INT, 1024, BASIC,
            "Maximum length accepted for metric metadata. Metadata refers to Metric Name, HELP and UNIT. Longer metadata is dropped except "
                    + "for HELP which is truncated.");
    public static final LimitDefinition<Integer> MAX_NATIVE_HISTOGRAM_BUCKETS = define("max_native_histogram_buckets",
            "validation.max-native-histogram-buckets", INT, 0, BASIC,
            "Maximum number of buckets per native histogram sample. 0 to disable the limit.");
    public static final LimitDefinition<Integer> MAX_EXEMPLARS_PER_SERIES_PER_REQUEST = define("max_exemplars_per_series_per_request",
            "distributor.max-exemplars-per-series-per-request", INT, 0, EXPERIMENTAL,
            "Maximum number of exemplars per series per request. 0 to disable limit in request. The exceeding exemplars are dropped.");
    public static final LimitDefinition<Boolean> REDUCE_NATIVE_HISTOGRAM_OVER_MAX_BUCKETS = define("reduce_native_histogram_over_max_buckets",
            "validation.reduce-native-histogram-over-max-buckets", BOOLEAN, true, BASIC,
            "Whether to reduce or reject native histogram samples with more buckets than the configured limit.");
    public static final LimitDefinition<Duration> CREATION_GRACE_PERIOD = define("creation_grace_period",
            "validation.create-grace-period", DURATION, Duration.ofMinutes(10), ADVANCED,
            "Controls how far into the future incoming samples and exemplars are accepted compared to the wall clock. Any sample or exemplar "
                    + "will be rejected if its timestamp is greater than '(now + creation_grace_period)'. This configuration is enforced in the "
                    + "distributor and ingester.");
    public static final LimitDefinition<Duration> PAST_GRACE_PERIOD = define("past_grace_period",
            "validation.past-grace-period", DURATION, Duration.ZERO, ADVANCED,
            "Controls how far into the past incoming samples and exemplars are accepted compared to the wall clock. Any sample or exemplar "
                    + "will be rejected if its timestamp is lower than '(now - OOO window - past_grace_period)'. This configuration is enforced "
                    + "in the distributor and ingester. 0 to disable.");
    public static final LimitDefinition<Boolean> ENFORCE_METADATA_METRIC_NAME = define("enforce_metadata_metric_name",
            "validation.enforce-metadata-metric-name", BOOLEAN, true, ADVANCED,
            "Enforce every metadata has a metric name.");
    public static final LimitDefinition<Integer> INGESTION_TENANT_SHARD_SIZE = define("ingestion_tenant_shard_size",
            "distributor.ingestion-tenant-shard-size", INT, 0, BASIC,
            "The tenant's shard size used by shuffle-sharding. This value is the total size of the shard (ie. it is not the number of "
                    + "ingesters in the shard per zone, but the number of ingesters in the shard across all zones, if zone-awareness is "
                    + "enabled). Must be set both on ingesters and distributors. 0 disables shuffle sharding.");
    public static final LimitDefinition<List<RelabelConfig>> METRIC_RELABEL_CONFIGS = defineYamlOnly("metric_relabel_configs",
            new StructuredListType<>("list of relabel configs", "metric_relabel_configs", RelabelConfig::fromYaml, RelabelConfig::toYaml),
            EXPERIMENTAL,
            "List of metric relabel configurations. Note that in most situations, it is more effective to use metrics relabeling directly in "
                    + "the Prometheus server, e.g. remote_write.write_relabel_configs. Labels available during the relabeling phase and cleaned "
                    + "afterwards: __meta_tenant_id");

    // Ingester.
    public static final LimitDefinition<Integer> MAX_GLOBAL_SERIES_PER_USER = define("max_global_series_per_user",
            "ingester.max-global-series-per-user", INT, 150000, BASIC,
            "The maximum number of in-memory series per tenant, across the cluster before replication. 0 to disable.");
    public static final LimitDefinition<Integer> MAX_GLOBAL_SERIES_PER_METRIC = define("max_global_series_per_metric",
            "ingester.max-global-series-per-metric", INT, 0, BASIC,
            "The maximum number of in-memory series per metric name, across the cluster before replication. 0 to disable.");
    public static final LimitDefinition<Integer> MAX_GLOBAL_METADATA_PER_USER = define("max_global_metadata_per_user",
            "ingester.max-global-metadata-per-user", INT, 0, BASIC,
            "The maximum number of in-memory metrics with metadata per tenant, across the cluster. 0 to disable.");
    public static final LimitDefinition<Integer> MAX_GLOBAL_METADATA_PER_METRIC = define("max_global_metadata_per_metric",
            "ingester.max-global-metadata-per-metric", INT, 0, BASIC,
            "The maximum number of metadata per metric, across the cluster. 0 to disable.");
    public static final LimitDefinition<Integer> MAX_GLOBAL_EXEMPLARS_PER_USER = define("max_global_exemplars_per_user",
            "ingester.max-global-exemplars-per-user", INT, 0, EXPERIMENTAL,
            "The maximum number of exemplars in memory, across the cluster. 0 to disable exemplars ingestion.");
    public static final LimitDefinition<Boolean> IGNORE_OOO_EXEMPLARS = define("ignore_ooo_exemplars",
            "ingester.ignore-ooo-exemplars", BOOLEAN, false, EXPERIMENTAL,
            "Whether to ignore exemplars with out-of-order timestamps. If enabled, exemplars with out-of-order timestamps are silently dropped, "
                    + "otherwise they cause partial errors.");
    public static final LimitDefinition<Boolean> NATIVE_HISTOGRAMS_INGESTION_ENABLED = define("native_histograms_ingestion_enabled",
            "ingester.native-histograms-ingestion-enabled", BOOLEAN, true, EXPERIMENTAL,
            "Enable ingestion of native histogram samples. If false, native histogram samples are ignored without an error. To query native "
                    + "histograms with query-sharding enabled make sure to set -query-frontend.query-result-response-format to 'protobuf'.");
    public static final LimitDefinition<Duration> OUT_OF_ORDER_TIME_WINDOW = define("out_of_order_time_window",
            "ingester.out-of-order-time-window", DURATION, Duration.ZERO, BASIC,
            "Non-zero value enables out-of-order support for most recent samples that are within the time window in relation to the TSDB's "
                    + "maximum time, i.e., within [db.maxTime-timeWindow, db.maxTime]). The ingester will need more memory as a factor of rate "
                    + "of out-of-order samples being ingested and the number of series that are getting out-of-order samples. If query falls "
                    + "into this window, cached results will use value from -" + RESULTS_CACHE_TTL_OOO_FLAG + " option to specify TTL for "
                    + "resulting cache entry.");
    public static final LimitDefinition<Boolean> OUT_OF_ORDER_BLOCKS_EXTERNAL_LABEL_ENABLED = define("out_of_order_blocks_external_label_enabled",
            "ingester.out-of-order-blocks-external-label-enabled", BOOLEAN, false, ADVANCED,
            "Whether the shipper should label out-of-order blocks with an external label before uploading them. Setting this label will "
                    + "compact out-of-order blocks separately from non-out-of-order blocks");
    public static final LimitDefinition<String> SEPARATE_METRICS_GROUP_LABEL = define("separate_metrics_group_label",
            "validation.separate-metrics-group-label", STRING, "", EXPERIMENTAL,
            "Label used to define the group label for metrics separation. For each write request, the group is obtained from the first "
                    + "non-empty group label from the first timeseries in the incoming list of timeseries. Specific distributor and ingester "
                    + "metrics will be further separated adding a 'group' label with group label's value. Currently applies to the following "
                    + "metrics: cortex_discarded_samples_total");

    // Querier.
    public static final LimitDefinition<Integer> MAX_FETCHED_CHUNKS_PER_QUERY = define("max_fetched_chunks_per_query",
            MAX_CHUNKS_PER_QUERY_FLAG, INT, 2_000_000, BASIC,
            "Maximum number of chunks that can be fetched in a single query from ingesters and store-gateways. This limit is enforced in the "
                    + "querier, ruler and store-gateway. 0 to disable.");
    public static final LimitDefinition<Double> MAX_ESTIMATED_FETCHED_CHUNKS_PER_QUERY_MULTIPLIER = define(
            "max_estimated_fetched_chunks_per_query_multiplier",
            "querier.max-estimated-fetched-chunks-per-query-multiplier", DOUBLE, 0.0, ADVANCED,
            "Maximum number of chunks estimated to be fetched in a single query from ingesters and store-gateways, as a multiple of -"
                    + MAX_CHUNKS_PER_QUERY_FLAG + ". This limit is enforced in the querier. Must be greater than or equal to 1, or 0 to disable.");
    public static final LimitDefinition<Integer> MAX_FETCHED_SERIES_PER_QUERY = define("max_fetched_series_per_query",
            "querier.max-fetched-series-per-query", INT, 0, BASIC,
            "The maximum number of unique series for which a query can fetch samples from ingesters and store-gateways. This limit is "
                    + "enforced in the querier, ruler and store-gateway. 0 to disable");
    // Go's int is 64 bits wide; a byte limit above 2 GiB is a realistic setting.
    public static final LimitDefinition<Long> MAX_FETCHED_CHUNK_BYTES_PER_QUERY = define("max_fetched_chunk_bytes_per_query",
            "querier.max-fetched-chunk-bytes-per-query", LONG, 0L, BASIC,
            "The maximum size of all chunks in bytes that a query can fetch from ingesters and store-gateways. This limit is enforced in "
                    + "the querier and ruler. 0 to disable.");
    public static final LimitDefinition<Long> MAX_ESTIMATED_MEMORY_CONSUMPTION_PER_QUERY = define("max_estimated_memory_consumption_per_query",
            "querier.max-estimated-memory-consumption-per-query", LONG, 0L, EXPERIMENTAL,
            "The maximum estimated memory a single query can consume at once, in bytes. This limit is only enforced when Mimir's query "
                    + "engine is in use. This limit is enforced in the querier. 0 to disable.");
    public static final LimitDefinition<Duration> MAX_QUERY_LOOKBACK = define("max_query_lookback",
            "querier.max-query-lookback", DURATION, Duration.ZERO, BASIC,
            "Limit how long back data (series and metadata) can be queried, up until <lookback> duration ago. This limit is enforced in the "
                    + "query-frontend, querier and ruler for instant, range and remote read queries. For metadata queries like series, label "
                    + "names, label values queries the limit is enforced in the querier and ruler. If the requested time range is outside the "
                    + "allowed range, the request will not fail but will be manipulated to only query data within the allowed time range. 0 to disable.");
    public static final LimitDefinition<Duration> MAX_PARTIAL_QUERY_LENGTH = define("max_partial_query_length",
            "querier.max-partial-query-length", DURATION, Duration.ZERO, BASIC,
            "Limit the time range for partial queries at the querier level.");
    public static final LimitDefinition<Integer> MAX_QUERY_PARALLELISM = define("max_query_parallelism",
            "querier.max-query-parallelism", INT, 14, BASIC,
            "Maximum number of split (by time) or partial (by shard) queries that will be scheduled in parallel by the query-frontend for a "
                    + "single input query. This limit is introduced to have a fairer query scheduling and avoid a single query over a large "
                    + "time range saturating all available queriers.");
    public static final LimitDefinition<Duration> MAX_LABELS_QUERY_LENGTH = define("max_labels_query_length",
            "store.max-labels-query-length", DURATION, Duration.ZERO, BASIC,
            "Limit the time range (end - start time) of series, label names and values queries. This limit is enforced in the querier. If "
                    + "the requested time range is outside the allowed range, the request will not fail but will be manipulated to only query "
                    + "data within the allowed time range. 0 to disable.");
    public static final LimitDefinition<Integer> MAX_SERIES_QUERY_LIMIT = define("max_series_query_limit",
            "querier.max-series-query-limit", INT, 0, BASIC,
            "Maximum number of series, the series endpoint queries. This limit is enforced in the querier. If the requested limit is outside "
                    + "of the allowed value, the request doesn't fail, but is manipulated to only query data up to the allowed limit. Set to 0 to disable.");
    public static final LimitDefinition<Integer> MAX_LABEL_NAMES_LIMIT = define("max_label_names_limit",
            "querier.max-label-names-limit", INT, 0, BASIC,
            "Maximum number of names the label names endpoint returns. This limit is enforced in the querier. If the requested limit is "
                    + "outside of the allowed value, the request doesn't fail, but is manipulated to only query data up to the allowed limit. "
                    + "Set to 0 to disable.");
    public static final LimitDefinition<Integer> MAX_LABEL_VALUES_LIMIT = define("max_label_values_limit",
            "querier.max-label-values-limit", INT, 0, BASIC,
            "Maximum number of values the label values endpoint returns. This limit is enforced in the querier. If the requested limit is "
                    + "outside of the allowed value, the request doesn't fail, but is manipulated to only query data up to the allowed limit. "
                    + "Set to 0 to disable.");
    public static final LimitDefinition<Duration> MAX_CACHE_FRESHNESS = define("max_cache_freshness",
            "query-frontend.max-cache-freshness", DURATION, Duration.ofMinutes(10), ADVANCED,
            "Most recent allowed cacheable result per-tenant, to prevent caching very recent results that might still be in flux.");
    public static final LimitDefinition<Integer> MAX_QUERIERS_PER_TENANT = define("max_queriers_per_tenant",
            "query-frontend.max-queriers-per-tenant", INT, 0, BASIC,
            "Maximum number of queriers that can handle requests for a single tenant. If set to 0 or value higher than number of available "
                    + "queriers, *all* queriers will handle requests for the tenant. Each frontend (or query-scheduler, if used) will select "
                    + "the same set of queriers for the same tenant (given that all queriers are connected to all frontends / "
                    + "query-schedulers). This option only works with queriers connecting to the query-frontend / query-scheduler, not when "
                    + "using downstream URL.");
    public static final LimitDefinition<Integer> QUERY_SHARDING_TOTAL_SHARDS = define("query_sharding_total_shards",
            "query-frontend.query-sharding-total-shards", INT, 16, BASIC,
            "The amount of shards to use when doing parallelisation via query sharding by tenant. 0 to disable query sharding for tenant. "
                    + "Query sharding implementation will adjust the number of query shards based on compactor shards. This allows querier to "
                    + "not search the blocks which cannot possibly have the series for given query shard.");
    public static final LimitDefinition<Integer> QUERY_SHARDING_MAX_SHARDED_QUERIES = define("query_sharding_max_sharded_queries",
            "query-frontend.query-sharding-max-sharded-queries", INT, 128, BASIC,
            "The max number of sharded queries that can be run for a given received query. 0 to disable limit.");
    public static final LimitDefinition<Integer> QUERY_SHARDING_MAX_REGEXP_SIZE_BYTES = define("query_sharding_max_regexp_size_bytes",
            "query-frontend.query-sharding-max-regexp-size-bytes", INT, 4096, BASIC,
            "Disable query sharding for any query containing a regular expression matcher longer than the configured number of bytes. 0 to "
                    + "disable the limit.");
    public static final LimitDefinition<Duration> QUERY_INGESTERS_WITHIN = define("query_ingesters_within",
            "querier.query-ingesters-within", DURATION, Duration.ofHours(13), ADVANCED,
            "Maximum lookback beyond which queries are not sent to ingester. 0 means all queries are sent to ingester.");

    // Query-frontend.
    public static final LimitDefinition<Duration> MAX_TOTAL_QUERY_LENGTH = define("max_total_query_length",
            "query-frontend.max-total-query-length", DURATION, Duration.ZERO, BASIC,
            "Limit the total query time range (end - start time). This limit is enforced in the query-frontend on the received instant, "
                    + "range or remote read query.");
    public static final LimitDefinition<Duration> RESULTS_CACHE_TTL = define("results_cache_ttl",
            RESULTS_CACHE_TTL_FLAG, DURATION, Duration.ofDays(7), BASIC,
            "Time to live duration for cached query results. If query falls into out-of-order time window, -" + RESULTS_CACHE_TTL_OOO_FLAG
                    + " is used instead.");
    public static final LimitDefinition<Duration> RESULTS_CACHE_TTL_FOR_OUT_OF_ORDER_TIME_WINDOW = define(
            "results_cache_ttl_for_out_of_order_time_window",
            RESULTS_CACHE_TTL_OOO_FLAG, DURATION, Duration.ofMinutes(10), BASIC,
            "Time to live duration for cached query results if query falls into out-of-order time window. This is lower than -"
                    + RESULTS_CACHE_TTL_FLAG + " so that incoming out-of-order samples are returned in the query results sooner.");
    public static final LimitDefinition<Duration> RESULTS_CACHE_TTL_FOR_CARDINALITY_QUERY = define("results_cache_ttl_for_cardinality_query",
            "query-frontend.results-cache-ttl-for-cardinality-query", DURATION, Duration.ZERO, BASIC,
            "Time to live duration for cached cardinality query results. The value 0 disables the cache.");
    public static final LimitDefinition<Duration> RESULTS_CACHE_TTL_FOR_LABELS_QUERY = define("results_cache_ttl_for_labels_query",
            "query-frontend.results-cache-ttl-for-labels-query", DURATION, Duration.ZERO, BASIC,
            "Time to live duration for cached label names and label values query results. The value 0 disables the cache.");
    public static final LimitDefinition<Duration> RESULTS_CACHE_TTL_FOR_ERRORS = define("results_cache_ttl_for_errors",
            "query-frontend.results-cache-ttl-for-errors", DURATION, Duration.ofMinutes(5), BASIC,
            "Time to live duration for cached non-transient errors");
    public static final LimitDefinition<Boolean> CACHE_UNALIGNED_REQUESTS = define("cache_unaligned_requests",
            "query-frontend.cache-unaligned-requests", BOOLEAN, false, ADVANCED,
            "Cache requests that are not step-aligned.");
    public static final LimitDefinition<Integer> MAX_QUERY_EXPRESSION_SIZE_BYTES = define("max_query_expression_size_bytes",
            "query-frontend.max-query-expression-size-bytes", INT, 0, BASIC,
            "Max size of the raw query, in bytes. This limit is enforced by the query-frontend for instant, range and remote read queries. 0 "
                    + "to not apply a limit to the size of the query.");
    public static final LimitDefinition<List<BlockedQuery>> BLOCKED_QUERIES = defineYamlOnly("blocked_queries",
            new StructuredListType<>("list of blocked queries", "blocked_queries", BlockedQuery::fromYaml, BlockedQuery::toYaml),
            BASIC, "List of queries to block.");
    public static final LimitDefinition<List<LimitedQuery>> LIMITED_QUERIES = defineYamlOnly("limited_queries",
            new StructuredListType<>("list of limited queries", "limited_queries", LimitedQuery::fromYaml, LimitedQuery::toYaml),
            EXPERIMENTAL, "List of queries to limit and duration to limit them for.");
    public static final LimitDefinition<List<BlockedRequest>> BLOCKED_REQUESTS = defineYamlOnly("blocked_requests",
            new StructuredListType<>("list of blocked requests", "blocked_requests", BlockedRequest::fromYaml, BlockedRequest::toYaml),
            EXPERIMENTAL, "List of HTTP requests to block.");
    public static final LimitDefinition<Boolean> ALIGN_QUERIES_WITH_STEP = define("align_queries_with_step",
            "query-frontend.align-queries-with-step", BOOLEAN, false, BASIC,
            "Mutate incoming queries to align their start and end with their step to improve result caching.");
    public static final LimitDefinition<List<String>> ENABLED_PROMQL_EXPERIMENTAL_FUNCTIONS = define("enabled_promql_experimental_functions",
            "query-frontend.enabled-promql-experimental-functions", STRING_LIST, List.of(), BASIC,
            "Enable certain experimental PromQL functions, which are subject to being changed or removed at any time, on a per-tenant basis. "
                    + "Defaults to empty which means all experimental functions are disabled. Set to 'all' to enable all experimental functions.");
    public static final LimitDefinition<Boolean> PROM2_RANGE_COMPAT = define("prom2_range_compat",
            "query-frontend.prom2-range-compat", BOOLEAN, false, EXPERIMENTAL,
            "Rewrite queries using the same range selector and resolution [X:X] which don't work in Prometheus 3.0 to a nearly identical "
                    + "form that works with Prometheus 3.0 semantics");

    // Cardinality.
    public static final LimitDefinition<Boolean> CARDINALITY_ANALYSIS_ENABLED = define("cardinality_analysis_enabled",
            "querier.cardinality-analysis-enabled", BOOLEAN, false, BASIC,
            "Enables endpoints used for cardinality analysis.");
    public static final LimitDefinition<Integer> LABEL_NAMES_AND_VALUES_RESULTS_MAX_SIZE_BYTES = define("label_names_and_values_results_max_size_bytes",
            "querier.label-names-and-values-results-max-size-bytes", INT, 400 * 1024 * 1024, BASIC,
            "Maximum size in bytes of distinct label names and values. When querier receives response from ingester, it merges the response "
                    + "with responses from other ingesters. This maximum size limit is applied to the merged(distinct) results. If the limit "
                    + "is reached, an error is returned.");
    public static final LimitDefinition<Integer> LABEL_VALUES_MAX_CARDINALITY_LABEL_NAMES_PER_REQUEST = define(
            "label_values_max_cardinality_label_names_per_request",
            "querier.label-values-max-cardinality-label-names-per-request", INT, 100, BASIC,
            "Maximum number of label names allowed to be queried in a single /api/v1/cardinality/label_values API call.");
    public static final LimitDefinition<Integer> CARDINALITY_ANALYSIS_MAX_RESULTS = define("cardinality_analysis_max_results",
            "querier.cardinality-api-max-series-limit", INT, 500, EXPERIMENTAL,
            "Maximum number of series that can be requested in a single cardinality API request.");
    public static final LimitDefinition<Integer> ACTIVE_SERIES_RESULTS_MAX_SIZE_BYTES = define("active_series_results_max_size_bytes",
            "querier.active-series-results-max-size-bytes", INT, 400 * 1024 * 1024, ADVANCED,
            "Maximum size of an active series or active native histogram series request result shard in bytes. 0 to disable.");

    // Cost attribution.
    public static final LimitDefinition<Integer> MAX_COST_ATTRIBUTION_CARDINALITY = define("max_cost_attribution_cardinality",
            "validation.max-cost-attribution-cardinality", INT, 2000, EXPERIMENTAL,
            "Maximum cardinality of cost attribution labels allowed per user.");
    public static final LimitDefinition<Duration> COST_ATTRIBUTION_COOLDOWN = define("cost_attribution_cooldown",
            "validation.cost-attribution-cooldown", DURATION, Duration.ZERO, EXPERIMENTAL,
            "Defines how long cost attribution stays in overflow before attempting a reset, with received/discarded samples extending the "
                    + "cooldown if overflow persists, while active series reset and restart tracking after the cooldown.");

    // Ruler.
    public static final LimitDefinition<Duration> RULER_EVALUATION_DELAY_DURATION = define("ruler_evaluation_delay_duration",
            "ruler.evaluation-delay-duration", DURATION, Duration.ofMinutes(1), BASIC,
            "Duration to delay the evaluation of rules to ensure the underlying metrics have been pushed.");
    public static final LimitDefinition<Integer> RULER_TENANT_SHARD_SIZE = define("ruler_tenant_shard_size",
            "ruler.tenant-shard-size", INT, 0, BASIC,
            "The tenant's shard size when sharding is used by ruler. Value of 0 disables shuffle sharding for the tenant, and tenant rules "
                    + "will be sharded across all ruler replicas.");
    public static final LimitDefinition<Integer> RULER_MAX_RULES_PER_RULE_GROUP = define("ruler_max_rules_per_rule_group",
            "ruler.max-rules-per-rule-group", INT, 20, BASIC,
            "Maximum number of rules per rule group per-tenant. 0 to disable.");
    public static final LimitDefinition<Integer> RULER_MAX_RULE_GROUPS_PER_TENANT = define("ruler_max_rule_groups_per_tenant",
            "ruler.max-rule-groups-per-tenant", INT, 70, BASIC,
            "Maximum number of rule groups per-tenant. 0 to disable.");
    public static final LimitDefinition<Boolean> RULER_RECORDING_RULES_EVALUATION_ENABLED = define("ruler_recording_rules_evaluation_enabled",
            "ruler.recording-rules-evaluation-enabled", BOOLEAN, true, BASIC,
            "Controls whether recording rules evaluation is enabled. This configuration option can be used to forcefully disable recording "
                    + "rules evaluation on a per-tenant basis.");
    public static final LimitDefinition<Boolean> RULER_ALERTING_RULES_EVALUATION_ENABLED = define("ruler_alerting_rules_evaluation_enabled",
            "ruler.alerting-rules-evaluation-enabled", BOOLEAN, true, BASIC,
            "Controls whether alerting rules evaluation is enabled. This configuration option can be used to forcefully disable alerting "
                    + "rules evaluation on a per-tenant basis.");
    public static final LimitDefinition<Boolean> RULER_SYNC_RULES_ON_CHANGES_ENABLED = define("ruler_sync_rules_on_changes_enabled",
            "ruler.sync-rules-on-changes-enabled", BOOLEAN, true, ADVANCED,
            "True to enable a re-sync of the configured rule groups as soon as they're changed via ruler's config API. This re-sync is in "
                    + "addition of the periodic syncing. When enabled, it may take up to few tens of seconds before a configuration change "
                    + "triggers the re-sync.");
    public static final LimitDefinition<Long> RULER_MAX_INDEPENDENT_RULE_EVALUATION_CONCURRENCY_PER_TENANT = define(
            "ruler_max_independent_rule_evaluation_concurrency_per_tenant",
            "ruler.max-independent-rule-evaluation-concurrency-per-tenant", LONG, 4L, EXPERIMENTAL,
            "Maximum number of independent rules that can run concurrently for each tenant. Depends on "
                    + "ruler.max-independent-rule-evaluation-concurrency being greater than 0. Ideally this flag should be a lower value. 0 to disable.");
    public static final LimitDefinition<Duration> RULER_MIN_RULE_EVALUATION_INTERVAL = define("ruler_min_rule_evaluation_interval",
            "ruler.min-rule-evaluation-interval", DURATION, Duration.ZERO, EXPERIMENTAL,
            "Minimum allowable evaluation interval for rule groups.");
    public static final LimitDefinition<Integer> RULER_MAX_RULE_EVALUATION_RESULTS = define("ruler_max_rule_evaluation_results",
            "ruler.max-rule-evaluation-results", INT, 0, EXPERIMENTAL,
            "Maximum number of alerts or series one alerting rule or one recording rule respectively can produce. 0 is no limit.");

    // Store-gateway.
    public static final LimitDefinition<Integer> STORE_GATEWAY_TENANT_SHARD_SIZE = define("store_gateway_tenant_shard_size",
            "store-gateway.tenant-shard-size", INT, 0, BASIC,
            "The tenant's shard size, used when store-gateway sharding is enabled. Value of 0 disables shuffle sharding for the tenant, that "
                    + "is all tenant blocks are sharded across all store-gateway replicas.");
    public static final LimitDefinition<Integer> STORE_GATEWAY_TENANT_SHARD_SIZE_PER_ZONE = define("store_gateway_tenant_shard_size_per_zone",
            "store-gateway.tenant-shard-size-per-zone", INT, 0, EXPERIMENTAL,
            "The tenant's shard size per availability zone when zone-awareness is enabled, used when store-gateway sharding is enabled. The "
                    + "total shard size is computed as this value multiplied by the number of zones. This option takes precedence over "
                    + "-store-gateway.tenant-shard-size.");

    // Compactor.
    public static final LimitDefinition<Duration> COMPACTOR_BLOCKS_RETENTION_PERIOD = define("compactor_blocks_retention_period",
            "compactor.blocks-retention-period", DURATION, Duration.ZERO, BASIC,
            "Delete blocks containing samples older than the specified retention period. Also used by query-frontend to avoid querying "
                    + "beyond the retention period by instant, range or remote read queries. 0 to disable.");
    public static final LimitDefinition<Integer> COMPACTOR_SPLIT_AND_MERGE_SHARDS = define("compactor_split_and_merge_shards",
            "compactor.split-and-merge-shards", INT, 0, BASIC,
            "The number of shards to use when splitting blocks. 0 to disable splitting.");
    public static final LimitDefinition<Integer> COMPACTOR_SPLIT_GROUPS = define("compactor_split_groups",
            "compactor.split-groups", INT, 1, BASIC,
            "Number of groups that blocks for splitting should be grouped into. Each group of blocks is then split separately. Number of "
                    + "output split shards is controlled by -compactor.split-and-merge-shards.");
    public static final LimitDefinition<Integer> COMPACTOR_TENANT_SHARD_SIZE = define("compactor_tenant_shard_size",
            "compactor.compactor-tenant-shard-size", INT, 0, BASIC,
            "Max number of compactors that can compact blocks for single tenant. 0 to disable the limit and use all compactors.");
    public static final LimitDefinition<Duration> COMPACTOR_PARTIAL_BLOCK_DELETION_DELAY = define("compactor_partial_block_deletion_delay",
            "compactor.partial-block-deletion-delay", DURATION, Duration.ofDays(1), BASIC,
            "If a partial block (unfinished block without meta.json file) hasn't been modified for this time, it will be marked for "
                    + "deletion. The minimum accepted value is 4h0m0s: a lower value will be ignored and the feature disabled. 0 to disable.");
    public static final LimitDefinition<Boolean> COMPACTOR_BLOCK_UPLOAD_ENABLED = define("compactor_block_upload_enabled",
            "compactor.block-upload-enabled", BOOLEAN, false, BASIC,
            "Enable block upload API for the tenant.");
    public static final LimitDefinition<Boolean> COMPACTOR_BLOCK_UPLOAD_VALIDATION_ENABLED = define("compactor_block_upload_validation_enabled",
            "compactor.block-upload-validation-enabled", BOOLEAN, true, BASIC,
            "Enable block upload validation for the tenant.");
    public static final LimitDefinition<Boolean> COMPACTOR_BLOCK_UPLOAD_VERIFY_CHUNKS = define("compactor_block_upload_verify_chunks",
            "compactor.block-upload-verify-chunks", BOOLEAN, true, BASIC,
            "Verify chunks when uploading blocks via the upload API for the tenant.");
    public static final LimitDefinition<Long> COMPACTOR_BLOCK_UPLOAD_MAX_BLOCK_SIZE_BYTES = define("compactor_block_upload_max_block_size_bytes",
            "compactor.block-upload-max-block-size-bytes", LONG, 0L, ADVANCED,
            "Maximum size in bytes of a block that is allowed to be uploaded or validated. 0 = no limit.");
    public static final LimitDefinition<Duration> COMPACTOR_MAX_LOOKBACK = define("compactor_max_lookback",
            "compactor.max-lookback", DURATION, Duration.ZERO, EXPERIMENTAL,
            "Blocks uploaded before the lookback aren't considered in compactor cycles. If set, this value should be larger than all values "
                    + "in `-blocks-storage.tsdb.block-ranges-period`. A value of 0s means that all blocks are considered regardless of their "
                    + "upload time.");
    public static final LimitDefinition<Integer> COMPACTOR_MAX_PER_BLOCK_UPLOAD_CONCURRENCY = define("compactor_max_per_block_upload_concurrency",
            "compactor.max-per-block-upload-concurrency", INT, 8, ADVANCED,
            "Maximum number of TSDB segment files that the compactor can upload concurrently per block.");
    /** Beyond Mimir (grafana/mimir#6799): series deletion over a time range through the Prometheus admin API. */
    public static final LimitDefinition<Boolean> SERIES_DELETION_ENABLED = define("series_deletion_enabled",
            "series-deletion.enabled", BOOLEAN, false, BASIC,
            "Enable series deletion for the tenant: POST <prometheus-http-prefix>/api/v1/admin/tsdb/delete_series (match[], start, end) hides the "
                    + "matched samples from every query at once and the compactor removes them from the blocks.");

    // S3 server-side encryption: YAML-only here, the flags belong to the S3 client's own config.
    public static final LimitDefinition<String> S3_SSE_TYPE = defineYamlOnly("s3_sse_type", STRING, "", BASIC,
            "S3 server-side encryption type. Required to enable server-side encryption overrides for a specific tenant. If not set, the "
                    + "default S3 client settings are used.");
    public static final LimitDefinition<String> S3_SSE_KMS_KEY_ID = defineYamlOnly("s3_sse_kms_key_id", STRING, "", BASIC,
            "S3 server-side encryption KMS Key ID. Ignored if the SSE type override is not set.");
    public static final LimitDefinition<String> S3_SSE_KMS_ENCRYPTION_CONTEXT = defineYamlOnly("s3_sse_kms_encryption_context", STRING, "", BASIC,
            "S3 server-side encryption KMS encryption context. If unset and the key ID override is set, the encryption context will not be "
                    + "provided to S3. Ignored if the SSE type override is not set.");

    // Alertmanager.
    public static final LimitDefinition<List<String>> ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_CIDR_NETWORKS = define(
            "alertmanager_receivers_firewall_block_cidr_networks",
            "alertmanager.receivers-firewall-block-cidr-networks", STRING_LIST, List.of(), BASIC,
            "Comma-separated list of network CIDRs to block in Alertmanager receiver integrations.");
    public static final LimitDefinition<Boolean> ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_PRIVATE_ADDRESSES = define(
            "alertmanager_receivers_firewall_block_private_addresses",
            "alertmanager.receivers-firewall-block-private-addresses", BOOLEAN, false, BASIC,
            "True to block private and local addresses in Alertmanager receiver integrations. It blocks private addresses defined by  RFC "
                    + "1918 (IPv4 addresses) and RFC 4193 (IPv6 addresses), as well as loopback, local unicast and local multicast addresses.");
    public static final LimitDefinition<Double> ALERTMANAGER_NOTIFICATION_RATE_LIMIT = define("alertmanager_notification_rate_limit",
            "alertmanager.notification-rate-limit", DOUBLE, 0.0, BASIC,
            "Per-tenant rate limit for sending notifications from Alertmanager in notifications/sec. 0 = rate limit disabled. Negative "
                    + "value = no notifications are allowed.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_CONFIG_SIZE_BYTES = define("alertmanager_max_config_size_bytes",
            "alertmanager.max-config-size-bytes", INT, 0, BASIC,
            "Maximum size of the Alertmanager configuration for a tenant. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_SILENCES_COUNT = define("alertmanager_max_silences_count",
            "alertmanager.max-silences-count", INT, 0, BASIC,
            "Maximum number of silences, including expired silences, that a tenant can have at once. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_SILENCE_SIZE_BYTES = define("alertmanager_max_silence_size_bytes",
            "alertmanager.max-silence-size-bytes", INT, 0, BASIC,
            "Maximum silence size in bytes. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_TEMPLATES_COUNT = define("alertmanager_max_templates_count",
            "alertmanager.max-templates-count", INT, 0, BASIC,
            "Maximum number of templates in tenant's Alertmanager configuration uploaded via Alertmanager API. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_TEMPLATE_SIZE_BYTES = define("alertmanager_max_template_size_bytes",
            "alertmanager.max-template-size-bytes", INT, 0, BASIC,
            "Maximum size of single template in tenant's Alertmanager configuration uploaded via Alertmanager API. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_DISPATCHER_AGGREGATION_GROUPS = define("alertmanager_max_dispatcher_aggregation_groups",
            "alertmanager.max-dispatcher-aggregation-groups", INT, 0, BASIC,
            "Maximum number of aggregation groups in Alertmanager's dispatcher that a tenant can have. Each active aggregation group uses "
                    + "single goroutine. When the limit is reached, dispatcher will not dispatch alerts that belong to additional aggregation "
                    + "groups, but existing groups will keep working properly. 0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_ALERTS_COUNT = define("alertmanager_max_alerts_count",
            "alertmanager.max-alerts-count", INT, 0, BASIC,
            "Maximum number of alerts that a single tenant can have. Inserting more alerts will fail with a log message and metric increment. "
                    + "0 = no limit.");
    public static final LimitDefinition<Integer> ALERTMANAGER_MAX_ALERTS_SIZE_BYTES = define("alertmanager_max_alerts_size_bytes",
            "alertmanager.max-alerts-size-bytes", INT, 0, BASIC,
            "Maximum total size of alerts that a single tenant can have, alert size is the sum of the bytes of its labels, annotations and "
                    + "generatorURL. Inserting more alerts will fail with a log message and metric increment. 0 = no limit.");
    public static final LimitDefinition<String> ALERTMANAGER_NOTIFY_HOOK_URL = define("alertmanager_notify_hook_url",
            "alertmanager.notify-hook-url", STRING, "", BASIC,
            "URL of a hook to invoke before a notification is sent. empty = no hook.");
    public static final LimitDefinition<List<String>> ALERTMANAGER_NOTIFY_HOOK_RECEIVERS = define("alertmanager_notify_hook_receivers",
            "alertmanager.notify-hook-receivers", STRING_LIST, List.of(), BASIC,
            "List of receivers to enable notify hooks for. empty = all receivers.");
    public static final LimitDefinition<Duration> ALERTMANAGER_NOTIFY_HOOK_TIMEOUT = define("alertmanager_notify_hook_timeout",
            "alertmanager.notify-hook-timeout", DURATION, Duration.ofSeconds(30), BASIC,
            "Maximum amount of time to wait for a hook to complete before timing out. 0 = no timeout.");

    // OpenTelemetry.
    public static final LimitDefinition<Boolean> OTEL_METRIC_SUFFIXES_ENABLED = define("otel_metric_suffixes_enabled",
            "distributor.otel-metric-suffixes-enabled", BOOLEAN, false, ADVANCED,
            "Whether to enable automatic suffixes to names of metrics ingested through OTLP.");
    public static final LimitDefinition<Boolean> OTEL_CREATED_TIMESTAMP_ZERO_INGESTION_ENABLED = define(
            "otel_created_timestamp_zero_ingestion_enabled",
            "distributor.otel-created-timestamp-zero-ingestion-enabled", BOOLEAN, false, EXPERIMENTAL,
            "Whether to enable translation of OTel start timestamps to Prometheus zero samples in the OTLP endpoint.");
    public static final LimitDefinition<List<String>> PROMOTE_OTEL_RESOURCE_ATTRIBUTES = define("promote_otel_resource_attributes",
            "distributor.otel-promote-resource-attributes", STRING_LIST, List.of(), EXPERIMENTAL,
            "Optionally specify OTel resource attributes to promote to labels.");
    public static final LimitDefinition<Boolean> OTEL_KEEP_IDENTIFYING_RESOURCE_ATTRIBUTES = define("otel_keep_identifying_resource_attributes",
            "distributor.otel-keep-identifying-resource-attributes", BOOLEAN, false, EXPERIMENTAL,
            "Whether to keep identifying OTel resource attributes in the target_info metric on top of converting to job and instance labels.");
    public static final LimitDefinition<Boolean> OTEL_CONVERT_HISTOGRAMS_TO_NHCB = define("otel_convert_histograms_to_nhcb",
            "distributor.otel-convert-histograms-to-nhcb", BOOLEAN, false, EXPERIMENTAL,
            "Whether to convert OTel explicit histograms into native histograms with custom buckets.");
    public static final LimitDefinition<Boolean> OTEL_PROMOTE_SCOPE_METADATA = define("otel_promote_scope_metadata",
            "distributor.otel-promote-scope-metadata", BOOLEAN, false, EXPERIMENTAL,
            "Whether to promote OTel scope metadata (scope name, version, schema URL, attributes) to corresponding metric labels, prefixed "
                    + "with otel_scope_.");
    public static final LimitDefinition<Boolean> OTEL_NATIVE_DELTA_INGESTION = define("otel_native_delta_ingestion",
            "distributor.otel-native-delta-ingestion", BOOLEAN, false, EXPERIMENTAL,
            "Whether to enable native ingestion of delta OTLP metrics, which will store the raw delta sample values without conversion. If "
                    + "disabled, delta metrics will be rejected. Delta support is in an early stage of development. The ingestion and "
                    + "querying process is likely to change over time.");
    public static final LimitDefinition<String> OTEL_TRANSLATION_STRATEGY = define("otel_translation_strategy",
            "distributor.otel-translation-strategy",
            ValueTypes.oneOf("", "UnderscoreEscapingWithSuffixes", "UnderscoreEscapingWithoutSuffixes", "NoUTF8EscapingWithSuffixes", "NoTranslation"),
            "", EXPERIMENTAL,
            "Translation strategy to apply in OTLP endpoint for metric and label names. If unspecified (the default), the strategy is derived "
                    + "from -validation.name-validation-scheme and -distributor.otel-metric-suffixes-enabled. Supported values: \"\", "
                    + "UnderscoreEscapingWithSuffixes, UnderscoreEscapingWithoutSuffixes, NoUTF8EscapingWithSuffixes, NoTranslation.");
    public static final LimitDefinition<Boolean> OTEL_LABEL_NAME_UNDERSCORE_SANITIZATION = define("otel_label_name_underscore_sanitization",
            "distributor.otel-label-name-underscore-sanitization", BOOLEAN, true, ADVANCED,
            "If enabled, prefixes label names starting with a single underscore with `key_` when translating OTel attribute names. Defaults "
                    + "to true.");
    public static final LimitDefinition<Boolean> OTEL_LABEL_NAME_PRESERVE_MULTIPLE_UNDERSCORES = define(
            "otel_label_name_preserve_multiple_underscores",
            "distributor.otel-label-name-preserve-underscores", BOOLEAN, true, ADVANCED,
            "If enabled, keeps multiple consecutive underscores in label names when translating OTel attribute names. Defaults to true.");

    // Ingest storage.
    public static final LimitDefinition<String> INGEST_STORAGE_READ_CONSISTENCY = define("ingest_storage_read_consistency",
            "ingest-storage.read-consistency", ValueTypes.oneOf("strong", "eventual"), "eventual", EXPERIMENTAL,
            "The default consistency level to enforce for queries when using the ingest storage. Supports values: strong, eventual.");
    public static final LimitDefinition<Integer> INGESTION_PARTITIONS_TENANT_SHARD_SIZE = define("ingestion_partitions_tenant_shard_size",
            "ingest-storage.ingestion-partition-tenant-shard-size", INT, 0, EXPERIMENTAL,
            "The number of partitions a tenant's data should be sharded to when using the ingest storage. Tenants are sharded across "
                    + "partitions using shuffle-sharding. 0 disables shuffle sharding and tenant is sharded across all partitions.");

    public static final LimitDefinition<String> NAME_VALIDATION_SCHEME = define("name_validation_scheme",
            "validation.name-validation-scheme", ValueTypes.oneOf("legacy", "utf8"), "legacy", EXPERIMENTAL,
            "Validation scheme to use for metric and label names. Distributors reject time series that do not adhere to this scheme. Rulers "
                    + "reject rules with unsupported metric or label names. Supported values: legacy, utf8.");

    private static final List<LimitDefinition<?>> DEFINITIONS = List.copyOf(TABLE);
    private static final Map<String, LimitDefinition<?>> BY_YAML_NAME = index(DEFINITIONS);

    private LimitsSettings() {}

    /** Every limit, in Mimir's order. */
    public static List<LimitDefinition<?>> definitions() {
        return DEFINITIONS;
    }

    /** The limit with this key in a {@code limits} mapping, if there is one. */
    public static Optional<LimitDefinition<?>> byYamlName(String yamlName) {
        return Optional.ofNullable(BY_YAML_NAME.get(yamlName));
    }

    /** The settings of every limit, in order, as registered by {@link #register}. */
    public static List<Setting<?>> settings() {
        return DEFINITIONS.stream().<Setting<?>>map(LimitDefinition::setting).toList();
    }

    /** Registers the setting of every limit: their flags and {@code limits.*} YAML paths give the defaults. */
    public static void register(ConfigRegistry registry) {
        for (LimitDefinition<?> definition : DEFINITIONS) {
            registry.register(definition.setting());
        }
    }

    private static <T> LimitDefinition<T> define(String yamlName, String flag, ValueType<T> type, T defaultValue, Category category, String help) {
        return add(yamlName, Setting.of(flag, YAML_PREFIX + "." + yamlName, type, defaultValue, help, category), false);
    }

    /** A limit without a flag, as Mimir's {@code doc:"nocli"} fields; structured lists are omitted from output when empty. */
    private static <T> LimitDefinition<List<T>> defineYamlOnly(String yamlName, ValueType<List<T>> type, Category category, String help) {
        return add(yamlName, Setting.yamlOnly(YAML_PREFIX + "." + yamlName, type, List.of(), help, category), true);
    }

    private static <T> LimitDefinition<T> defineYamlOnly(String yamlName, ValueType<T> type, T defaultValue, Category category, String help) {
        return add(yamlName, Setting.yamlOnly(YAML_PREFIX + "." + yamlName, type, defaultValue, help, category), false);
    }

    private static <T> LimitDefinition<T> add(String yamlName, Setting<T> setting, boolean omitEmpty) {
        LimitDefinition<T> definition = new LimitDefinition<>(TABLE.size(), yamlName, setting, omitEmpty);
        TABLE.add(definition);
        return definition;
    }

    private static Map<String, LimitDefinition<?>> index(List<LimitDefinition<?>> definitions) {
        Map<String, LimitDefinition<?>> byName = new LinkedHashMap<>();
        for (LimitDefinition<?> definition : definitions) {
            if (byName.put(definition.yamlName(), definition) != null) {
                throw new IllegalStateException("duplicate limit " + definition.yamlName());
            }
        }
        return Map.copyOf(byName);
    }
}
