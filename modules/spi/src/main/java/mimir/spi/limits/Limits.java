package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Durations;

/**
 * The per-tenant limits of one tenant, or the defaults: every limit of {@link LimitsSettings} with a
 * value. Immutable; {@link #withOverrides} returns a copy. Equal when every value is equal.
 *
 * <p>The defaults come from the {@code limits} block of the configuration (flags and YAML) through
 * {@link #fromConfig}; a tenant's limits are the defaults with the keys of its runtime-config
 * {@code overrides} entry applied, so a key a tenant does not override follows the configured default,
 * not the built-in one (as in Mimir, which captures the defaults before decoding the overrides).
 *
 * <p>Values are checked when a {@code Limits} is built, with the same rules between limits that
 * Mimir's {@code Limits.Validate} applies; a violation is an {@link InvalidLimitException} naming the
 * key.
 */
public final class Limits {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    // Length of the "(hash:<64 hex digits>)" suffix that truncate and drop put into a label value.
    private static final int LABEL_VALUE_HASH_LENGTH = "(hash:)".length() + 64;
    private static final Limits BUILT_IN_DEFAULTS = builtInDefaults();

    private final Object[] values;

    private Limits(Object[] values) {
        this.values = values;
        validate();
    }

    /** The built-in defaults: every limit at its setting's default, as if no flag or YAML set it. */
    public static Limits defaults() {
        return BUILT_IN_DEFAULTS;
    }

    /**
     * The defaults configured by flags and the {@code limits} YAML block.
     *
     * @throws IllegalArgumentException if the limits' settings were not {@link LimitsSettings#register registered}
     * @throws InvalidLimitException    if the values break a rule between limits
     */
    public static Limits fromConfig(ConfigValues config) {
        requireNonNull(config, "config is null");
        List<LimitDefinition<?>> definitions = LimitsSettings.definitions();
        Object[] values = new Object[definitions.size()];
        for (LimitDefinition<?> definition : definitions) {
            values[definition.index()] = requireNonNull(config.get(definition.setting()), "config value is null");
        }
        return new Limits(values);
    }

    /**
     * A copy with the given keys of a {@code limits} mapping applied, as read from YAML: scalars as
     * {@link String} (numbers and booleans may also be given as {@link Number} and {@link Boolean}),
     * sequences as {@link List}, mappings as {@link Map}. A null value leaves the limit unchanged, as
     * a YAML null does in Mimir.
     *
     * @throws InvalidLimitException if a key is not a limit, a value does not convert, or the result
     *                               breaks a rule between limits; the exception names the key
     */
    public Limits withOverrides(Map<String, ?> yamlMapping) {
        requireNonNull(yamlMapping, "yamlMapping is null");
        Object[] copy = values.clone();
        for (Map.Entry<String, ?> entry : yamlMapping.entrySet()) {
            String key = entry.getKey();
            LimitDefinition<?> definition = LimitsSettings.byYamlName(key)
                    .orElseThrow(() -> new InvalidLimitException(key, "field " + key + " not found in limits"));
            Object node = yamlNode(entry.getValue());
            if (node == null) {
                continue;
            }
            try {
                copy[definition.index()] = requireNonNull(definition.type().fromYaml(node), "converted value is null");
            }
            catch (IllegalArgumentException e) {
                throw new InvalidLimitException(key, "invalid value for " + key + ": " + e.getMessage(), e);
            }
        }
        return new Limits(copy);
    }

    /** The value of one limit. */
    @SuppressWarnings("unchecked")
    public <T> T get(LimitDefinition<T> definition) {
        return (T) values[definition.index()];
    }

    /**
     * Every limit in definition order under its YAML key, as {@code /api/v1/user_limits} and
     * {@code /runtime_config} print them: numbers as {@link Number}, booleans as {@link Boolean},
     * durations as strings such as {@code 10m}, lists as {@link List}, structured entries as
     * mappings. Empty structured lists ({@code blocked_queries}, ...) are left out, as Mimir does.
     */
    public LinkedHashMap<String, Object> toYamlMap() {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (LimitDefinition<?> definition : LimitsSettings.definitions()) {
            Object value = values[definition.index()];
            if (definition.omitEmpty() && value instanceof List<?> list && list.isEmpty()) {
                continue;
            }
            out.put(definition.yamlName(), yamlValue(definition));
        }
        return out;
    }

    /**
     * The value of a limit as a number, as the overrides-exporter exports it: numbers as they are,
     * durations in seconds, booleans as 1 or 0; empty for strings, lists and structured limits.
     *
     * @throws IllegalArgumentException if no limit has this YAML key
     */
    public OptionalDouble numericValue(String yamlName) {
        LimitDefinition<?> definition = LimitsSettings.byYamlName(yamlName)
                .orElseThrow(() -> new IllegalArgumentException("no limit named " + yamlName));
        return switch (values[definition.index()]) {
            case Number number -> OptionalDouble.of(number.doubleValue());
            case Duration duration -> OptionalDouble.of(duration.toNanos() / 1e9);
            case Boolean bool -> OptionalDouble.of(bool ? 1 : 0);
            default -> OptionalDouble.empty();
        };
    }

    // One accessor per limit, in table order.

    /** The {@code max_active_series_per_user} limit, see {@link LimitsSettings#MAX_ACTIVE_SERIES_PER_USER}. */
    public int maxActiveSeriesPerUser() {
        return get(LimitsSettings.MAX_ACTIVE_SERIES_PER_USER);
    }

    /** The {@code request_rate} limit, see {@link LimitsSettings#REQUEST_RATE}. */
    public double requestRate() {
        return get(LimitsSettings.REQUEST_RATE);
    }

    /** The {@code request_burst_size} limit, see {@link LimitsSettings#REQUEST_BURST_SIZE}. */
    public int requestBurstSize() {
        return get(LimitsSettings.REQUEST_BURST_SIZE);
    }

    /** The {@code ingestion_rate} limit, see {@link LimitsSettings#INGESTION_RATE}. */
    public double ingestionRate() {
        return get(LimitsSettings.INGESTION_RATE);
    }

    /** The {@code ingestion_burst_size} limit, see {@link LimitsSettings#INGESTION_BURST_SIZE}. */
    public int ingestionBurstSize() {
        return get(LimitsSettings.INGESTION_BURST_SIZE);
    }

    /** The {@code ingestion_burst_factor} limit, see {@link LimitsSettings#INGESTION_BURST_FACTOR}. */
    public double ingestionBurstFactor() {
        return get(LimitsSettings.INGESTION_BURST_FACTOR);
    }

    /** The {@code accept_ha_samples} limit, see {@link LimitsSettings#ACCEPT_HA_SAMPLES}. */
    public boolean acceptHaSamples() {
        return get(LimitsSettings.ACCEPT_HA_SAMPLES);
    }

    /** The {@code ha_cluster_label} limit, see {@link LimitsSettings#HA_CLUSTER_LABEL}. */
    public String haClusterLabel() {
        return get(LimitsSettings.HA_CLUSTER_LABEL);
    }

    /** The {@code ha_replica_label} limit, see {@link LimitsSettings#HA_REPLICA_LABEL}. */
    public String haReplicaLabel() {
        return get(LimitsSettings.HA_REPLICA_LABEL);
    }

    /** The {@code ha_max_clusters} limit, see {@link LimitsSettings#HA_MAX_CLUSTERS}. */
    public int haMaxClusters() {
        return get(LimitsSettings.HA_MAX_CLUSTERS);
    }

    /** The {@code ha_tracker_update_timeout} limit, see {@link LimitsSettings#HA_TRACKER_UPDATE_TIMEOUT}. */
    public Duration haTrackerUpdateTimeout() {
        return get(LimitsSettings.HA_TRACKER_UPDATE_TIMEOUT);
    }

    /** The {@code ha_tracker_update_timeout_jitter_max} limit, see {@link LimitsSettings#HA_TRACKER_UPDATE_TIMEOUT_JITTER_MAX}. */
    public Duration haTrackerUpdateTimeoutJitterMax() {
        return get(LimitsSettings.HA_TRACKER_UPDATE_TIMEOUT_JITTER_MAX);
    }

    /** The {@code ha_tracker_failover_timeout} limit, see {@link LimitsSettings#HA_TRACKER_FAILOVER_TIMEOUT}. */
    public Duration haTrackerFailoverTimeout() {
        return get(LimitsSettings.HA_TRACKER_FAILOVER_TIMEOUT);
    }

    /** The {@code ha_tracker_sample_failover_timeout} limit, see {@link LimitsSettings#HA_TRACKER_SAMPLE_FAILOVER_TIMEOUT}. */
    public Duration haTrackerSampleFailoverTimeout() {
        return get(LimitsSettings.HA_TRACKER_SAMPLE_FAILOVER_TIMEOUT);
    }

    /** The {@code drop_labels} limit, see {@link LimitsSettings#DROP_LABELS}. */
    public List<String> dropLabels() {
        return get(LimitsSettings.DROP_LABELS);
    }

    /** The {@code max_label_name_length} limit, see {@link LimitsSettings#MAX_LABEL_NAME_LENGTH}. */
    public int maxLabelNameLength() {
        return get(LimitsSettings.MAX_LABEL_NAME_LENGTH);
    }

    /** The {@code max_label_value_length} limit, see {@link LimitsSettings#MAX_LABEL_VALUE_LENGTH}. */
    public int maxLabelValueLength() {
        return get(LimitsSettings.MAX_LABEL_VALUE_LENGTH);
    }

    /** The {@code label_value_length_over_limit_strategy} limit, see {@link LimitsSettings#LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY}. */
    public String labelValueLengthOverLimitStrategy() {
        return get(LimitsSettings.LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY);
    }

    /** The {@code max_label_names_per_series} limit, see {@link LimitsSettings#MAX_LABEL_NAMES_PER_SERIES}. */
    public int maxLabelNamesPerSeries() {
        return get(LimitsSettings.MAX_LABEL_NAMES_PER_SERIES);
    }

    /** The {@code max_label_names_per_info_series} limit, see {@link LimitsSettings#MAX_LABEL_NAMES_PER_INFO_SERIES}. */
    public int maxLabelNamesPerInfoSeries() {
        return get(LimitsSettings.MAX_LABEL_NAMES_PER_INFO_SERIES);
    }

    /** The {@code max_metadata_length} limit, see {@link LimitsSettings#MAX_METADATA_LENGTH}. */
    public int maxMetadataLength() {
        return get(LimitsSettings.MAX_METADATA_LENGTH);
    }

    /** The {@code max_native_histogram_buckets} limit, see {@link LimitsSettings#MAX_NATIVE_HISTOGRAM_BUCKETS}. */
    public int maxNativeHistogramBuckets() {
        return get(LimitsSettings.MAX_NATIVE_HISTOGRAM_BUCKETS);
    }

    /** The {@code max_exemplars_per_series_per_request} limit, see {@link LimitsSettings#MAX_EXEMPLARS_PER_SERIES_PER_REQUEST}. */
    public int maxExemplarsPerSeriesPerRequest() {
        return get(LimitsSettings.MAX_EXEMPLARS_PER_SERIES_PER_REQUEST);
    }

    /** The {@code reduce_native_histogram_over_max_buckets} limit, see {@link LimitsSettings#REDUCE_NATIVE_HISTOGRAM_OVER_MAX_BUCKETS}. */
    public boolean reduceNativeHistogramOverMaxBuckets() {
        return get(LimitsSettings.REDUCE_NATIVE_HISTOGRAM_OVER_MAX_BUCKETS);
    }

    /** The {@code creation_grace_period} limit, see {@link LimitsSettings#CREATION_GRACE_PERIOD}. */
    public Duration creationGracePeriod() {
        return get(LimitsSettings.CREATION_GRACE_PERIOD);
    }

    /** The {@code past_grace_period} limit, see {@link LimitsSettings#PAST_GRACE_PERIOD}. */
    public Duration pastGracePeriod() {
        return get(LimitsSettings.PAST_GRACE_PERIOD);
    }

    /** The {@code enforce_metadata_metric_name} limit, see {@link LimitsSettings#ENFORCE_METADATA_METRIC_NAME}. */
    public boolean enforceMetadataMetricName() {
        return get(LimitsSettings.ENFORCE_METADATA_METRIC_NAME);
    }

    /** The {@code ingestion_tenant_shard_size} limit, see {@link LimitsSettings#INGESTION_TENANT_SHARD_SIZE}. */
    public int ingestionTenantShardSize() {
        return get(LimitsSettings.INGESTION_TENANT_SHARD_SIZE);
    }

    /** The {@code metric_relabel_configs} limit, see {@link LimitsSettings#METRIC_RELABEL_CONFIGS}. */
    public List<RelabelConfig> metricRelabelConfigs() {
        return get(LimitsSettings.METRIC_RELABEL_CONFIGS);
    }

    /** The {@code max_global_series_per_user} limit, see {@link LimitsSettings#MAX_GLOBAL_SERIES_PER_USER}. */
    public int maxGlobalSeriesPerUser() {
        return get(LimitsSettings.MAX_GLOBAL_SERIES_PER_USER);
    }

    /** The {@code max_global_series_per_metric} limit, see {@link LimitsSettings#MAX_GLOBAL_SERIES_PER_METRIC}. */
    public int maxGlobalSeriesPerMetric() {
        return get(LimitsSettings.MAX_GLOBAL_SERIES_PER_METRIC);
    }

    /** The {@code max_global_metadata_per_user} limit, see {@link LimitsSettings#MAX_GLOBAL_METADATA_PER_USER}. */
    public int maxGlobalMetadataPerUser() {
        return get(LimitsSettings.MAX_GLOBAL_METADATA_PER_USER);
    }

    /** The {@code max_global_metadata_per_metric} limit, see {@link LimitsSettings#MAX_GLOBAL_METADATA_PER_METRIC}. */
    public int maxGlobalMetadataPerMetric() {
        return get(LimitsSettings.MAX_GLOBAL_METADATA_PER_METRIC);
    }

    /** The {@code max_global_exemplars_per_user} limit, see {@link LimitsSettings#MAX_GLOBAL_EXEMPLARS_PER_USER}. */
    public int maxGlobalExemplarsPerUser() {
        return get(LimitsSettings.MAX_GLOBAL_EXEMPLARS_PER_USER);
    }

    /** The {@code ignore_ooo_exemplars} limit, see {@link LimitsSettings#IGNORE_OOO_EXEMPLARS}. */
    public boolean ignoreOooExemplars() {
        return get(LimitsSettings.IGNORE_OOO_EXEMPLARS);
    }

    /** The {@code native_histograms_ingestion_enabled} limit, see {@link LimitsSettings#NATIVE_HISTOGRAMS_INGESTION_ENABLED}. */
    public boolean nativeHistogramsIngestionEnabled() {
        return get(LimitsSettings.NATIVE_HISTOGRAMS_INGESTION_ENABLED);
    }

    /** The {@code out_of_order_time_window} limit, see {@link LimitsSettings#OUT_OF_ORDER_TIME_WINDOW}. */
    public Duration outOfOrderTimeWindow() {
        return get(LimitsSettings.OUT_OF_ORDER_TIME_WINDOW);
    }

    /** The {@code out_of_order_blocks_external_label_enabled} limit, see {@link LimitsSettings#OUT_OF_ORDER_BLOCKS_EXTERNAL_LABEL_ENABLED}. */
    public boolean outOfOrderBlocksExternalLabelEnabled() {
        return get(LimitsSettings.OUT_OF_ORDER_BLOCKS_EXTERNAL_LABEL_ENABLED);
    }

    /** The {@code separate_metrics_group_label} limit, see {@link LimitsSettings#SEPARATE_METRICS_GROUP_LABEL}. */
    public String separateMetricsGroupLabel() {
        return get(LimitsSettings.SEPARATE_METRICS_GROUP_LABEL);
    }

    /** The {@code max_fetched_chunks_per_query} limit, see {@link LimitsSettings#MAX_FETCHED_CHUNKS_PER_QUERY}. */
    public int maxFetchedChunksPerQuery() {
        return get(LimitsSettings.MAX_FETCHED_CHUNKS_PER_QUERY);
    }

    /** The {@code max_estimated_fetched_chunks_per_query_multiplier} limit, see {@link LimitsSettings#MAX_ESTIMATED_FETCHED_CHUNKS_PER_QUERY_MULTIPLIER}. */
    public double maxEstimatedFetchedChunksPerQueryMultiplier() {
        return get(LimitsSettings.MAX_ESTIMATED_FETCHED_CHUNKS_PER_QUERY_MULTIPLIER);
    }

    /** The {@code max_fetched_series_per_query} limit, see {@link LimitsSettings#MAX_FETCHED_SERIES_PER_QUERY}. */
    public int maxFetchedSeriesPerQuery() {
        return get(LimitsSettings.MAX_FETCHED_SERIES_PER_QUERY);
    }

    /** The {@code max_fetched_chunk_bytes_per_query} limit, see {@link LimitsSettings#MAX_FETCHED_CHUNK_BYTES_PER_QUERY}. */
    public long maxFetchedChunkBytesPerQuery() {
        return get(LimitsSettings.MAX_FETCHED_CHUNK_BYTES_PER_QUERY);
    }

    /** The {@code max_estimated_memory_consumption_per_query} limit, see {@link LimitsSettings#MAX_ESTIMATED_MEMORY_CONSUMPTION_PER_QUERY}. */
    public long maxEstimatedMemoryConsumptionPerQuery() {
        return get(LimitsSettings.MAX_ESTIMATED_MEMORY_CONSUMPTION_PER_QUERY);
    }

    /** The {@code max_query_lookback} limit, see {@link LimitsSettings#MAX_QUERY_LOOKBACK}. */
    public Duration maxQueryLookback() {
        return get(LimitsSettings.MAX_QUERY_LOOKBACK);
    }

    /** The {@code max_partial_query_length} limit, see {@link LimitsSettings#MAX_PARTIAL_QUERY_LENGTH}. */
    public Duration maxPartialQueryLength() {
        return get(LimitsSettings.MAX_PARTIAL_QUERY_LENGTH);
    }

    /** The {@code max_query_parallelism} limit, see {@link LimitsSettings#MAX_QUERY_PARALLELISM}. */
    public int maxQueryParallelism() {
        return get(LimitsSettings.MAX_QUERY_PARALLELISM);
    }

    /** The {@code max_labels_query_length} limit, see {@link LimitsSettings#MAX_LABELS_QUERY_LENGTH}. */
    public Duration maxLabelsQueryLength() {
        return get(LimitsSettings.MAX_LABELS_QUERY_LENGTH);
    }

    /** The {@code max_series_query_limit} limit, see {@link LimitsSettings#MAX_SERIES_QUERY_LIMIT}. */
    public int maxSeriesQueryLimit() {
        return get(LimitsSettings.MAX_SERIES_QUERY_LIMIT);
    }

    /** The {@code max_label_names_limit} limit, see {@link LimitsSettings#MAX_LABEL_NAMES_LIMIT}. */
    public int maxLabelNamesLimit() {
        return get(LimitsSettings.MAX_LABEL_NAMES_LIMIT);
    }

    /** The {@code max_label_values_limit} limit, see {@link LimitsSettings#MAX_LABEL_VALUES_LIMIT}. */
    public int maxLabelValuesLimit() {
        return get(LimitsSettings.MAX_LABEL_VALUES_LIMIT);
    }

    /** The {@code max_cache_freshness} limit, see {@link LimitsSettings#MAX_CACHE_FRESHNESS}. */
    public Duration maxCacheFreshness() {
        return get(LimitsSettings.MAX_CACHE_FRESHNESS);
    }

    /** The {@code max_queriers_per_tenant} limit, see {@link LimitsSettings#MAX_QUERIERS_PER_TENANT}. */
    public int maxQueriersPerTenant() {
        return get(LimitsSettings.MAX_QUERIERS_PER_TENANT);
    }

    /** The {@code query_sharding_total_shards} limit, see {@link LimitsSettings#QUERY_SHARDING_TOTAL_SHARDS}. */
    public int queryShardingTotalShards() {
        return get(LimitsSettings.QUERY_SHARDING_TOTAL_SHARDS);
    }

    /** The {@code query_sharding_max_sharded_queries} limit, see {@link LimitsSettings#QUERY_SHARDING_MAX_SHARDED_QUERIES}. */
    public int queryShardingMaxShardedQueries() {
        return get(LimitsSettings.QUERY_SHARDING_MAX_SHARDED_QUERIES);
    }

    /** The {@code query_sharding_max_regexp_size_bytes} limit, see {@link LimitsSettings#QUERY_SHARDING_MAX_REGEXP_SIZE_BYTES}. */
    public int queryShardingMaxRegexpSizeBytes() {
        return get(LimitsSettings.QUERY_SHARDING_MAX_REGEXP_SIZE_BYTES);
    }

    /** The {@code query_ingesters_within} limit, see {@link LimitsSettings#QUERY_INGESTERS_WITHIN}. */
    public Duration queryIngestersWithin() {
        return get(LimitsSettings.QUERY_INGESTERS_WITHIN);
    }

    /** The {@code max_total_query_length} limit, see {@link LimitsSettings#MAX_TOTAL_QUERY_LENGTH}. */
    public Duration maxTotalQueryLength() {
        return get(LimitsSettings.MAX_TOTAL_QUERY_LENGTH);
    }

    /** The {@code results_cache_ttl} limit, see {@link LimitsSettings#RESULTS_CACHE_TTL}. */
    public Duration resultsCacheTtl() {
        return get(LimitsSettings.RESULTS_CACHE_TTL);
    }

    /** The {@code results_cache_ttl_for_out_of_order_time_window} limit, see {@link LimitsSettings#RESULTS_CACHE_TTL_FOR_OUT_OF_ORDER_TIME_WINDOW}. */
    public Duration resultsCacheTtlForOutOfOrderTimeWindow() {
        return get(LimitsSettings.RESULTS_CACHE_TTL_FOR_OUT_OF_ORDER_TIME_WINDOW);
    }

    /** The {@code results_cache_ttl_for_cardinality_query} limit, see {@link LimitsSettings#RESULTS_CACHE_TTL_FOR_CARDINALITY_QUERY}. */
    public Duration resultsCacheTtlForCardinalityQuery() {
        return get(LimitsSettings.RESULTS_CACHE_TTL_FOR_CARDINALITY_QUERY);
    }

    /** The {@code results_cache_ttl_for_labels_query} limit, see {@link LimitsSettings#RESULTS_CACHE_TTL_FOR_LABELS_QUERY}. */
    public Duration resultsCacheTtlForLabelsQuery() {
        return get(LimitsSettings.RESULTS_CACHE_TTL_FOR_LABELS_QUERY);
    }

    /** The {@code results_cache_ttl_for_errors} limit, see {@link LimitsSettings#RESULTS_CACHE_TTL_FOR_ERRORS}. */
    public Duration resultsCacheTtlForErrors() {
        return get(LimitsSettings.RESULTS_CACHE_TTL_FOR_ERRORS);
    }

    /** The {@code cache_unaligned_requests} limit, see {@link LimitsSettings#CACHE_UNALIGNED_REQUESTS}. */
    public boolean cacheUnalignedRequests() {
        return get(LimitsSettings.CACHE_UNALIGNED_REQUESTS);
    }

    /** The {@code max_query_expression_size_bytes} limit, see {@link LimitsSettings#MAX_QUERY_EXPRESSION_SIZE_BYTES}. */
    public int maxQueryExpressionSizeBytes() {
        return get(LimitsSettings.MAX_QUERY_EXPRESSION_SIZE_BYTES);
    }

    /** The {@code blocked_queries} limit, see {@link LimitsSettings#BLOCKED_QUERIES}. */
    public List<BlockedQuery> blockedQueries() {
        return get(LimitsSettings.BLOCKED_QUERIES);
    }

    /** The {@code limited_queries} limit, see {@link LimitsSettings#LIMITED_QUERIES}. */
    public List<LimitedQuery> limitedQueries() {
        return get(LimitsSettings.LIMITED_QUERIES);
    }

    /** The {@code blocked_requests} limit, see {@link LimitsSettings#BLOCKED_REQUESTS}. */
    public List<BlockedRequest> blockedRequests() {
        return get(LimitsSettings.BLOCKED_REQUESTS);
    }

    /** The {@code align_queries_with_step} limit, see {@link LimitsSettings#ALIGN_QUERIES_WITH_STEP}. */
    public boolean alignQueriesWithStep() {
        return get(LimitsSettings.ALIGN_QUERIES_WITH_STEP);
    }

    /** The {@code enabled_promql_experimental_functions} limit, see {@link LimitsSettings#ENABLED_PROMQL_EXPERIMENTAL_FUNCTIONS}. */
    public List<String> enabledPromqlExperimentalFunctions() {
        return get(LimitsSettings.ENABLED_PROMQL_EXPERIMENTAL_FUNCTIONS);
    }

    /** The {@code prom2_range_compat} limit, see {@link LimitsSettings#PROM2_RANGE_COMPAT}. */
    public boolean prom2RangeCompat() {
        return get(LimitsSettings.PROM2_RANGE_COMPAT);
    }

    /** The {@code cardinality_analysis_enabled} limit, see {@link LimitsSettings#CARDINALITY_ANALYSIS_ENABLED}. */
    public boolean cardinalityAnalysisEnabled() {
        return get(LimitsSettings.CARDINALITY_ANALYSIS_ENABLED);
    }

    /** The {@code label_names_and_values_results_max_size_bytes} limit, see {@link LimitsSettings#LABEL_NAMES_AND_VALUES_RESULTS_MAX_SIZE_BYTES}. */
    public int labelNamesAndValuesResultsMaxSizeBytes() {
        return get(LimitsSettings.LABEL_NAMES_AND_VALUES_RESULTS_MAX_SIZE_BYTES);
    }

    /** The {@code label_values_max_cardinality_label_names_per_request} limit, see {@link LimitsSettings#LABEL_VALUES_MAX_CARDINALITY_LABEL_NAMES_PER_REQUEST}. */
    public int labelValuesMaxCardinalityLabelNamesPerRequest() {
        return get(LimitsSettings.LABEL_VALUES_MAX_CARDINALITY_LABEL_NAMES_PER_REQUEST);
    }

    /** The {@code cardinality_analysis_max_results} limit, see {@link LimitsSettings#CARDINALITY_ANALYSIS_MAX_RESULTS}. */
    public int cardinalityAnalysisMaxResults() {
        return get(LimitsSettings.CARDINALITY_ANALYSIS_MAX_RESULTS);
    }

    /** The {@code active_series_results_max_size_bytes} limit, see {@link LimitsSettings#ACTIVE_SERIES_RESULTS_MAX_SIZE_BYTES}. */
    public int activeSeriesResultsMaxSizeBytes() {
        return get(LimitsSettings.ACTIVE_SERIES_RESULTS_MAX_SIZE_BYTES);
    }

    /** The {@code max_cost_attribution_cardinality} limit, see {@link LimitsSettings#MAX_COST_ATTRIBUTION_CARDINALITY}. */
    public int maxCostAttributionCardinality() {
        return get(LimitsSettings.MAX_COST_ATTRIBUTION_CARDINALITY);
    }

    /** The {@code cost_attribution_cooldown} limit, see {@link LimitsSettings#COST_ATTRIBUTION_COOLDOWN}. */
    public Duration costAttributionCooldown() {
        return get(LimitsSettings.COST_ATTRIBUTION_COOLDOWN);
    }

    /** The {@code ruler_evaluation_delay_duration} limit, see {@link LimitsSettings#RULER_EVALUATION_DELAY_DURATION}. */
    public Duration rulerEvaluationDelayDuration() {
        return get(LimitsSettings.RULER_EVALUATION_DELAY_DURATION);
    }

    /** The {@code ruler_tenant_shard_size} limit, see {@link LimitsSettings#RULER_TENANT_SHARD_SIZE}. */
    public int rulerTenantShardSize() {
        return get(LimitsSettings.RULER_TENANT_SHARD_SIZE);
    }

    /** The {@code ruler_max_rules_per_rule_group} limit, see {@link LimitsSettings#RULER_MAX_RULES_PER_RULE_GROUP}. */
    public int rulerMaxRulesPerRuleGroup() {
        return get(LimitsSettings.RULER_MAX_RULES_PER_RULE_GROUP);
    }

    /** The {@code ruler_max_rule_groups_per_tenant} limit, see {@link LimitsSettings#RULER_MAX_RULE_GROUPS_PER_TENANT}. */
    public int rulerMaxRuleGroupsPerTenant() {
        return get(LimitsSettings.RULER_MAX_RULE_GROUPS_PER_TENANT);
    }

    /** The {@code ruler_recording_rules_evaluation_enabled} limit, see {@link LimitsSettings#RULER_RECORDING_RULES_EVALUATION_ENABLED}. */
    public boolean rulerRecordingRulesEvaluationEnabled() {
        return get(LimitsSettings.RULER_RECORDING_RULES_EVALUATION_ENABLED);
    }

    /** The {@code ruler_alerting_rules_evaluation_enabled} limit, see {@link LimitsSettings#RULER_ALERTING_RULES_EVALUATION_ENABLED}. */
    public boolean rulerAlertingRulesEvaluationEnabled() {
        return get(LimitsSettings.RULER_ALERTING_RULES_EVALUATION_ENABLED);
    }

    /** The {@code ruler_sync_rules_on_changes_enabled} limit, see {@link LimitsSettings#RULER_SYNC_RULES_ON_CHANGES_ENABLED}. */
    public boolean rulerSyncRulesOnChangesEnabled() {
        return get(LimitsSettings.RULER_SYNC_RULES_ON_CHANGES_ENABLED);
    }

    /** The {@code ruler_max_independent_rule_evaluation_concurrency_per_tenant} limit, see {@link LimitsSettings#RULER_MAX_INDEPENDENT_RULE_EVALUATION_CONCURRENCY_PER_TENANT}. */
    public long rulerMaxIndependentRuleEvaluationConcurrencyPerTenant() {
        return get(LimitsSettings.RULER_MAX_INDEPENDENT_RULE_EVALUATION_CONCURRENCY_PER_TENANT);
    }

    /** The {@code ruler_min_rule_evaluation_interval} limit, see {@link LimitsSettings#RULER_MIN_RULE_EVALUATION_INTERVAL}. */
    public Duration rulerMinRuleEvaluationInterval() {
        return get(LimitsSettings.RULER_MIN_RULE_EVALUATION_INTERVAL);
    }

    /** The {@code ruler_max_rule_evaluation_results} limit, see {@link LimitsSettings#RULER_MAX_RULE_EVALUATION_RESULTS}. */
    public int rulerMaxRuleEvaluationResults() {
        return get(LimitsSettings.RULER_MAX_RULE_EVALUATION_RESULTS);
    }

    /** The {@code store_gateway_tenant_shard_size} limit, see {@link LimitsSettings#STORE_GATEWAY_TENANT_SHARD_SIZE}. */
    public int storeGatewayTenantShardSize() {
        return get(LimitsSettings.STORE_GATEWAY_TENANT_SHARD_SIZE);
    }

    /** The {@code store_gateway_tenant_shard_size_per_zone} limit, see {@link LimitsSettings#STORE_GATEWAY_TENANT_SHARD_SIZE_PER_ZONE}. */
    public int storeGatewayTenantShardSizePerZone() {
        return get(LimitsSettings.STORE_GATEWAY_TENANT_SHARD_SIZE_PER_ZONE);
    }

    /** The {@code compactor_blocks_retention_period} limit, see {@link LimitsSettings#COMPACTOR_BLOCKS_RETENTION_PERIOD}. */
    public Duration compactorBlocksRetentionPeriod() {
        return get(LimitsSettings.COMPACTOR_BLOCKS_RETENTION_PERIOD);
    }

    /** The {@code compactor_split_and_merge_shards} limit, see {@link LimitsSettings#COMPACTOR_SPLIT_AND_MERGE_SHARDS}. */
    public int compactorSplitAndMergeShards() {
        return get(LimitsSettings.COMPACTOR_SPLIT_AND_MERGE_SHARDS);
    }

    /** The {@code compactor_split_groups} limit, see {@link LimitsSettings#COMPACTOR_SPLIT_GROUPS}. */
    public int compactorSplitGroups() {
        return get(LimitsSettings.COMPACTOR_SPLIT_GROUPS);
    }

    /** The {@code compactor_tenant_shard_size} limit, see {@link LimitsSettings#COMPACTOR_TENANT_SHARD_SIZE}. */
    public int compactorTenantShardSize() {
        return get(LimitsSettings.COMPACTOR_TENANT_SHARD_SIZE);
    }

    /** The {@code compactor_partial_block_deletion_delay} limit, see {@link LimitsSettings#COMPACTOR_PARTIAL_BLOCK_DELETION_DELAY}. */
    public Duration compactorPartialBlockDeletionDelay() {
        return get(LimitsSettings.COMPACTOR_PARTIAL_BLOCK_DELETION_DELAY);
    }

    /** The {@code series_deletion_enabled} limit, see {@link LimitsSettings#SERIES_DELETION_ENABLED}. */
    public boolean seriesDeletionEnabled() {
        return get(LimitsSettings.SERIES_DELETION_ENABLED);
    }

    /** The {@code compactor_block_upload_enabled} limit, see {@link LimitsSettings#COMPACTOR_BLOCK_UPLOAD_ENABLED}. */
    public boolean compactorBlockUploadEnabled() {
        return get(LimitsSettings.COMPACTOR_BLOCK_UPLOAD_ENABLED);
    }

    /** The {@code compactor_block_upload_validation_enabled} limit, see {@link LimitsSettings#COMPACTOR_BLOCK_UPLOAD_VALIDATION_ENABLED}. */
    public boolean compactorBlockUploadValidationEnabled() {
        return get(LimitsSettings.COMPACTOR_BLOCK_UPLOAD_VALIDATION_ENABLED);
    }

    /** The {@code compactor_block_upload_verify_chunks} limit, see {@link LimitsSettings#COMPACTOR_BLOCK_UPLOAD_VERIFY_CHUNKS}. */
    public boolean compactorBlockUploadVerifyChunks() {
        return get(LimitsSettings.COMPACTOR_BLOCK_UPLOAD_VERIFY_CHUNKS);
    }

    /** The {@code compactor_block_upload_max_block_size_bytes} limit, see {@link LimitsSettings#COMPACTOR_BLOCK_UPLOAD_MAX_BLOCK_SIZE_BYTES}. */
    public long compactorBlockUploadMaxBlockSizeBytes() {
        return get(LimitsSettings.COMPACTOR_BLOCK_UPLOAD_MAX_BLOCK_SIZE_BYTES);
    }

    /** The {@code compactor_max_lookback} limit, see {@link LimitsSettings#COMPACTOR_MAX_LOOKBACK}. */
    public Duration compactorMaxLookback() {
        return get(LimitsSettings.COMPACTOR_MAX_LOOKBACK);
    }

    /** The {@code compactor_max_per_block_upload_concurrency} limit, see {@link LimitsSettings#COMPACTOR_MAX_PER_BLOCK_UPLOAD_CONCURRENCY}. */
    public int compactorMaxPerBlockUploadConcurrency() {
        return get(LimitsSettings.COMPACTOR_MAX_PER_BLOCK_UPLOAD_CONCURRENCY);
    }

    /** The {@code s3_sse_type} limit, see {@link LimitsSettings#S3_SSE_TYPE}. */
    public String s3SseType() {
        return get(LimitsSettings.S3_SSE_TYPE);
    }

    /** The {@code s3_sse_kms_key_id} limit, see {@link LimitsSettings#S3_SSE_KMS_KEY_ID}. */
    public String s3SseKmsKeyId() {
        return get(LimitsSettings.S3_SSE_KMS_KEY_ID);
    }

    /** The {@code s3_sse_kms_encryption_context} limit, see {@link LimitsSettings#S3_SSE_KMS_ENCRYPTION_CONTEXT}. */
    public String s3SseKmsEncryptionContext() {
        return get(LimitsSettings.S3_SSE_KMS_ENCRYPTION_CONTEXT);
    }

    /** The {@code alertmanager_receivers_firewall_block_cidr_networks} limit, see {@link LimitsSettings#ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_CIDR_NETWORKS}. */
    public List<String> alertmanagerReceiversFirewallBlockCidrNetworks() {
        return get(LimitsSettings.ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_CIDR_NETWORKS);
    }

    /** The {@code alertmanager_receivers_firewall_block_private_addresses} limit, see {@link LimitsSettings#ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_PRIVATE_ADDRESSES}. */
    public boolean alertmanagerReceiversFirewallBlockPrivateAddresses() {
        return get(LimitsSettings.ALERTMANAGER_RECEIVERS_FIREWALL_BLOCK_PRIVATE_ADDRESSES);
    }

    /** The {@code alertmanager_notification_rate_limit} limit, see {@link LimitsSettings#ALERTMANAGER_NOTIFICATION_RATE_LIMIT}. */
    public double alertmanagerNotificationRateLimit() {
        return get(LimitsSettings.ALERTMANAGER_NOTIFICATION_RATE_LIMIT);
    }

    /** The {@code alertmanager_max_config_size_bytes} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_CONFIG_SIZE_BYTES}. */
    public int alertmanagerMaxConfigSizeBytes() {
        return get(LimitsSettings.ALERTMANAGER_MAX_CONFIG_SIZE_BYTES);
    }

    /** The {@code alertmanager_max_silences_count} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_SILENCES_COUNT}. */
    public int alertmanagerMaxSilencesCount() {
        return get(LimitsSettings.ALERTMANAGER_MAX_SILENCES_COUNT);
    }

    /** The {@code alertmanager_max_silence_size_bytes} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_SILENCE_SIZE_BYTES}. */
    public int alertmanagerMaxSilenceSizeBytes() {
        return get(LimitsSettings.ALERTMANAGER_MAX_SILENCE_SIZE_BYTES);
    }

    /** The {@code alertmanager_max_templates_count} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_TEMPLATES_COUNT}. */
    public int alertmanagerMaxTemplatesCount() {
        return get(LimitsSettings.ALERTMANAGER_MAX_TEMPLATES_COUNT);
    }

    /** The {@code alertmanager_max_template_size_bytes} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_TEMPLATE_SIZE_BYTES}. */
    public int alertmanagerMaxTemplateSizeBytes() {
        return get(LimitsSettings.ALERTMANAGER_MAX_TEMPLATE_SIZE_BYTES);
    }

    /** The {@code alertmanager_max_dispatcher_aggregation_groups} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_DISPATCHER_AGGREGATION_GROUPS}. */
    public int alertmanagerMaxDispatcherAggregationGroups() {
        return get(LimitsSettings.ALERTMANAGER_MAX_DISPATCHER_AGGREGATION_GROUPS);
    }

    /** The {@code alertmanager_max_alerts_count} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_ALERTS_COUNT}. */
    public int alertmanagerMaxAlertsCount() {
        return get(LimitsSettings.ALERTMANAGER_MAX_ALERTS_COUNT);
    }

    /** The {@code alertmanager_max_alerts_size_bytes} limit, see {@link LimitsSettings#ALERTMANAGER_MAX_ALERTS_SIZE_BYTES}. */
    public int alertmanagerMaxAlertsSizeBytes() {
        return get(LimitsSettings.ALERTMANAGER_MAX_ALERTS_SIZE_BYTES);
    }

    /** The {@code alertmanager_notify_hook_url} limit, see {@link LimitsSettings#ALERTMANAGER_NOTIFY_HOOK_URL}. */
    public String alertmanagerNotifyHookUrl() {
        return get(LimitsSettings.ALERTMANAGER_NOTIFY_HOOK_URL);
    }

    /** The {@code alertmanager_notify_hook_receivers} limit, see {@link LimitsSettings#ALERTMANAGER_NOTIFY_HOOK_RECEIVERS}. */
    public List<String> alertmanagerNotifyHookReceivers() {
        return get(LimitsSettings.ALERTMANAGER_NOTIFY_HOOK_RECEIVERS);
    }

    /** The {@code alertmanager_notify_hook_timeout} limit, see {@link LimitsSettings#ALERTMANAGER_NOTIFY_HOOK_TIMEOUT}. */
    public Duration alertmanagerNotifyHookTimeout() {
        return get(LimitsSettings.ALERTMANAGER_NOTIFY_HOOK_TIMEOUT);
    }

    /** The {@code otel_metric_suffixes_enabled} limit, see {@link LimitsSettings#OTEL_METRIC_SUFFIXES_ENABLED}. */
    public boolean otelMetricSuffixesEnabled() {
        return get(LimitsSettings.OTEL_METRIC_SUFFIXES_ENABLED);
    }

    /** The {@code otel_created_timestamp_zero_ingestion_enabled} limit, see {@link LimitsSettings#OTEL_CREATED_TIMESTAMP_ZERO_INGESTION_ENABLED}. */
    public boolean otelCreatedTimestampZeroIngestionEnabled() {
        return get(LimitsSettings.OTEL_CREATED_TIMESTAMP_ZERO_INGESTION_ENABLED);
    }

    /** The {@code promote_otel_resource_attributes} limit, see {@link LimitsSettings#PROMOTE_OTEL_RESOURCE_ATTRIBUTES}. */
    public List<String> promoteOtelResourceAttributes() {
        return get(LimitsSettings.PROMOTE_OTEL_RESOURCE_ATTRIBUTES);
    }

    /** The {@code otel_keep_identifying_resource_attributes} limit, see {@link LimitsSettings#OTEL_KEEP_IDENTIFYING_RESOURCE_ATTRIBUTES}. */
    public boolean otelKeepIdentifyingResourceAttributes() {
        return get(LimitsSettings.OTEL_KEEP_IDENTIFYING_RESOURCE_ATTRIBUTES);
    }

    /** The {@code otel_convert_histograms_to_nhcb} limit, see {@link LimitsSettings#OTEL_CONVERT_HISTOGRAMS_TO_NHCB}. */
    public boolean otelConvertHistogramsToNhcb() {
        return get(LimitsSettings.OTEL_CONVERT_HISTOGRAMS_TO_NHCB);
    }

    /** The {@code otel_promote_scope_metadata} limit, see {@link LimitsSettings#OTEL_PROMOTE_SCOPE_METADATA}. */
    public boolean otelPromoteScopeMetadata() {
        return get(LimitsSettings.OTEL_PROMOTE_SCOPE_METADATA);
    }

    /** The {@code otel_native_delta_ingestion} limit, see {@link LimitsSettings#OTEL_NATIVE_DELTA_INGESTION}. */
    public boolean otelNativeDeltaIngestion() {
        return get(LimitsSettings.OTEL_NATIVE_DELTA_INGESTION);
    }

    /** The {@code otel_translation_strategy} limit, see {@link LimitsSettings#OTEL_TRANSLATION_STRATEGY}. */
    public String otelTranslationStrategy() {
        return get(LimitsSettings.OTEL_TRANSLATION_STRATEGY);
    }

    /** The {@code otel_label_name_underscore_sanitization} limit, see {@link LimitsSettings#OTEL_LABEL_NAME_UNDERSCORE_SANITIZATION}. */
    public boolean otelLabelNameUnderscoreSanitization() {
        return get(LimitsSettings.OTEL_LABEL_NAME_UNDERSCORE_SANITIZATION);
    }

    /** The {@code otel_label_name_preserve_multiple_underscores} limit, see {@link LimitsSettings#OTEL_LABEL_NAME_PRESERVE_MULTIPLE_UNDERSCORES}. */
    public boolean otelLabelNamePreserveMultipleUnderscores() {
        return get(LimitsSettings.OTEL_LABEL_NAME_PRESERVE_MULTIPLE_UNDERSCORES);
    }

    /** The {@code ingest_storage_read_consistency} limit, see {@link LimitsSettings#INGEST_STORAGE_READ_CONSISTENCY}. */
    public String ingestStorageReadConsistency() {
        return get(LimitsSettings.INGEST_STORAGE_READ_CONSISTENCY);
    }

    /** The {@code ingestion_partitions_tenant_shard_size} limit, see {@link LimitsSettings#INGESTION_PARTITIONS_TENANT_SHARD_SIZE}. */
    public int ingestionPartitionsTenantShardSize() {
        return get(LimitsSettings.INGESTION_PARTITIONS_TENANT_SHARD_SIZE);
    }

    /** The {@code name_validation_scheme} limit, see {@link LimitsSettings#NAME_VALIDATION_SCHEME}. */
    public String nameValidationScheme() {
        return get(LimitsSettings.NAME_VALIDATION_SCHEME);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Limits that && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Limits" + toYamlMap();
    }

    private <T> Object yamlValue(LimitDefinition<T> definition) {
        return definition.type().toYaml(get(definition));
    }

    /** Brings numbers and booleans given as Java values to the scalar text YAML would have carried. */
    private static Object yamlNode(Object value) {
        return switch (value) {
            case null -> null;
            case Double d when d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15 -> Long.toString(d.longValue());
            case Float f when f == Math.rint(f) && !f.isInfinite() -> Long.toString(f.longValue());
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            case Duration duration -> Durations.format(duration);
            default -> value;
        };
    }

    /** Mimir's rules between limits ({@code Limits.Validate}), with Mimir's messages. */
    private void validate() {
        double multiplier = maxEstimatedFetchedChunksPerQueryMultiplier();
        if (multiplier != 0 && multiplier < 1) {
            throw new InvalidLimitException(LimitsSettings.MAX_ESTIMATED_FETCHED_CHUNKS_PER_QUERY_MULTIPLIER.yamlName(),
                    "invalid value for -" + LimitsSettings.MAX_ESTIMATED_FETCHED_CHUNKS_PER_QUERY_MULTIPLIER.setting().flag()
                            + ": must be 0 or greater than or equal to 1");
        }

        Duration jitter = haTrackerUpdateTimeoutJitterMax();
        if (jitter.isNegative()) {
            throw new InvalidLimitException(LimitsSettings.HA_TRACKER_UPDATE_TIMEOUT_JITTER_MAX.yamlName(),
                    "HA tracker max update timeout jitter shouldn't be negative");
        }
        Duration update = haTrackerUpdateTimeout();
        Duration failover = haTrackerFailoverTimeout();
        if (update.isPositive() || failover.isPositive()) {
            Duration minimum = update.plus(jitter).plus(ONE_SECOND);
            if (failover.compareTo(minimum) < 0) {
                throw new InvalidLimitException(LimitsSettings.HA_TRACKER_FAILOVER_TIMEOUT.yamlName(),
                        "HA Tracker failover timeout (" + Durations.format(failover) + ") must be at least 1s greater than update timeout - max jitter ("
                                + Durations.format(minimum) + ")");
            }
        }

        String strategy = labelValueLengthOverLimitStrategy();
        if (!strategy.equals("error") && maxLabelValueLength() < LABEL_VALUE_HASH_LENGTH) {
            throw new InvalidLimitException(LimitsSettings.LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY.yamlName(),
                    "cannot set -" + LimitsSettings.LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY.setting().flag() + " to \"" + strategy
                            + "\": label value hash suffix would exceed max label value length of " + maxLabelValueLength());
        }

        validateOtelTranslationStrategy();
    }

    private void validateOtelTranslationStrategy() {
        String strategy = otelTranslationStrategy();
        if (strategy.isEmpty()) {
            return;
        }
        boolean escapes = strategy.startsWith("UnderscoreEscaping");
        boolean wantsSuffixes = strategy.endsWith("WithSuffixes");
        String requiredScheme = escapes ? "legacy" : "utf8";
        String key = LimitsSettings.OTEL_TRANSLATION_STRATEGY.yamlName();
        if (!nameValidationScheme().equals(requiredScheme)) {
            throw new InvalidLimitException(key,
                    "OTLP translation strategy " + strategy + " is not allowed unless validation scheme is " + requiredScheme);
        }
        if (otelMetricSuffixesEnabled() != wantsSuffixes) {
            throw new InvalidLimitException(key, "OTLP translation strategy " + strategy + " is not allowed unless metric suffixes are "
                    + (wantsSuffixes ? "enabled" : "disabled"));
        }
    }

    private static Limits builtInDefaults() {
        List<LimitDefinition<?>> definitions = LimitsSettings.definitions();
        Object[] values = new Object[definitions.size()];
        for (LimitDefinition<?> definition : definitions) {
            values[definition.index()] = definition.defaultValue();
        }
        return new Limits(values);
    }
}
