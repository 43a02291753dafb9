package mimir.overridesexporter;

import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code overrides_exporter} block.
 *
 * @param enabledMetrics the limits exported, by their YAML names
 */
public record OverridesExporterConfig(List<String> enabledMetrics) {
    /** Mimir's default set of exported limits. */
    public static final List<String> DEFAULT_ENABLED_METRICS = List.of(
            "ingestion_rate", "ingestion_burst_size", "max_global_series_per_user", "max_global_series_per_metric",
            "max_global_exemplars_per_user", "max_fetched_chunks_per_query", "max_fetched_series_per_query",
            "max_fetched_chunk_bytes_per_query", "ruler_max_rules_per_rule_group", "ruler_max_rule_groups_per_tenant");

    static final Setting<List<String>> ENABLED_METRICS = Setting.advanced("overrides-exporter.enabled-metrics",
            "overrides_exporter.enabled_metrics", ValueTypes.STRING_LIST, DEFAULT_ENABLED_METRICS,
            "Comma-separated list of metrics to include in the exporter. Allowed metric names: any numeric, duration or boolean limit of the limits block.");

    public OverridesExporterConfig {
        enabledMetrics = List.copyOf(enabledMetrics);
    }

    static void register(ConfigRegistry registry) {
        registry.register(ENABLED_METRICS);
    }

    static OverridesExporterConfig from(ConfigValues values) {
        return new OverridesExporterConfig(values.get(ENABLED_METRICS));
    }
}
