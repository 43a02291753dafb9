package mimir.spi.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import org.junit.jupiter.api.Test;

class TestLimits {
    @Test
    void defaultsAreMimirs() {
        Limits limits = Limits.defaults();
        assertThat(limits.ingestionRate()).isEqualTo(10000.0);
        assertThat(limits.ingestionBurstSize()).isEqualTo(200000);
        assertThat(limits.maxGlobalSeriesPerUser()).isEqualTo(150000);
        assertThat(limits.maxLabelNamesPerSeries()).isEqualTo(30);
        assertThat(limits.maxLabelNamesPerInfoSeries()).isEqualTo(80);
        assertThat(limits.maxLabelNameLength()).isEqualTo(1024);
        assertThat(limits.maxLabelValueLength()).isEqualTo(2048);
        assertThat(limits.labelValueLengthOverLimitStrategy()).isEqualTo("error");
        assertThat(limits.maxMetadataLength()).isEqualTo(1024);
        assertThat(limits.creationGracePeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(limits.pastGracePeriod()).isZero();
        assertThat(limits.outOfOrderTimeWindow()).isZero();
        assertThat(limits.nativeHistogramsIngestionEnabled()).isTrue();
        assertThat(limits.nameValidationScheme()).isEqualTo("legacy");
        assertThat(limits.acceptHaSamples()).isFalse();
        assertThat(limits.haClusterLabel()).isEqualTo("cluster");
        assertThat(limits.haReplicaLabel()).isEqualTo("__replica__");
        assertThat(limits.haMaxClusters()).isEqualTo(100);
        assertThat(limits.maxFetchedChunksPerQuery()).isEqualTo(2_000_000);
        assertThat(limits.maxQueryParallelism()).isEqualTo(14);
        assertThat(limits.queryShardingTotalShards()).isEqualTo(16);
        assertThat(limits.queryShardingMaxShardedQueries()).isEqualTo(128);
        assertThat(limits.queryIngestersWithin()).isEqualTo(Duration.ofHours(13));
        assertThat(limits.resultsCacheTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(limits.resultsCacheTtlForOutOfOrderTimeWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(limits.maxCacheFreshness()).isEqualTo(Duration.ofMinutes(10));
        assertThat(limits.compactorBlocksRetentionPeriod()).isZero();
        assertThat(limits.compactorSplitGroups()).isEqualTo(1);
        assertThat(limits.ingestStorageReadConsistency()).isEqualTo("eventual");
        assertThat(limits.rulerMaxRulesPerRuleGroup()).isEqualTo(20);
        assertThat(limits.rulerMaxRuleGroupsPerTenant()).isEqualTo(70);
        assertThat(limits.dropLabels()).isEmpty();
        assertThat(limits.blockedQueries()).isEmpty();
    }

    @Test
    void tableUsesMimirsFlagsAndYamlPaths() {
        assertThat(LimitsSettings.INGESTION_RATE.setting().flag()).isEqualTo("distributor.ingestion-rate-limit");
        assertThat(LimitsSettings.MAX_GLOBAL_SERIES_PER_USER.setting().flag()).isEqualTo("ingester.max-global-series-per-user");
        assertThat(LimitsSettings.MAX_LABEL_VALUE_LENGTH.setting().flag()).isEqualTo("validation.max-length-label-value");
        assertThat(LimitsSettings.ACCEPT_HA_SAMPLES.setting().flag()).isEqualTo("distributor.ha-tracker.enable-for-all-users");
        assertThat(LimitsSettings.INGESTION_RATE.setting().yamlPath()).isEqualTo("limits.ingestion_rate");
        assertThat(LimitsSettings.BLOCKED_QUERIES.setting().hasFlag()).isFalse();

        Set<String> flags = new HashSet<>();
        Set<String> yamlPaths = new HashSet<>();
        for (LimitDefinition<?> definition : LimitsSettings.definitions()) {
            Setting<?> setting = definition.setting();
            assertThat(setting.yamlPath()).isEqualTo("limits." + definition.yamlName());
            assertThat(yamlPaths.add(setting.yamlPath())).as("unique YAML path %s", setting.yamlPath()).isTrue();
            if (setting.hasFlag()) {
                assertThat(flags.add(setting.flag())).as("unique flag %s", setting.flag()).isTrue();
            }
            assertThat(setting.help()).as("help of %s", definition).isNotBlank();
            assertThat(LimitsSettings.byYamlName(definition.yamlName())).containsSame(definition);
        }
        assertThat(LimitsSettings.byYamlName("no_such_limit")).isEmpty();
    }

    @Test
    void everyLimitHasAnAccessorReadingItsOwnValue() throws Exception {
        // Each limit overridden to a value different from its default, so a mixed-up accessor shows.
        Limits limits = Limits.defaults().withOverrides(Map.of(
                "max_global_series_per_metric", "7",
                "max_global_metadata_per_user", "8",
                "ingestion_burst_factor", "3",
                "request_burst_size", "5"));
        for (LimitDefinition<?> definition : LimitsSettings.definitions()) {
            Method accessor = Limits.class.getMethod(camelCase(definition.yamlName()));
            assertThat(accessor.invoke(limits)).as("accessor of %s", definition).isEqualTo(limits.get(definition));
        }
        assertThat(limits.maxGlobalSeriesPerMetric()).isEqualTo(7);
        assertThat(limits.maxGlobalMetadataPerUser()).isEqualTo(8);
        assertThat(limits.ingestionBurstFactor()).isEqualTo(3.0);
        assertThat(limits.requestBurstSize()).isEqualTo(5);
    }

    @Test
    void fromConfigReadsEverySetting() {
        Map<Setting<?>, Object> values = new IdentityHashMap<>();
        values.put(LimitsSettings.INGESTION_RATE.setting(), 500.0);
        values.put(LimitsSettings.CREATION_GRACE_PERIOD.setting(), Duration.ofMinutes(3));
        ConfigValues config = new ConfigValues() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(Setting<T> setting) {
                return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
            }

            @Override
            public boolean isSet(Setting<?> setting) {
                return values.containsKey(setting);
            }
        };
        Limits limits = Limits.fromConfig(config);
        assertThat(limits.ingestionRate()).isEqualTo(500.0);
        assertThat(limits.creationGracePeriod()).isEqualTo(Duration.ofMinutes(3));
        assertThat(limits.maxGlobalSeriesPerUser()).isEqualTo(150000);
    }

    @Test
    void overridesApplyToACopyAndKeepOtherValues() {
        Limits defaults = Limits.defaults();
        Limits tenant = defaults.withOverrides(Map.of(
                "ingestion_rate", "250000",
                "max_global_series_per_user", 3_000_000,
                "out_of_order_time_window", "2h",
                "drop_labels", List.of("pod", "instance"),
                "accept_ha_samples", true));
        assertThat(tenant.ingestionRate()).isEqualTo(250000.0);
        assertThat(tenant.maxGlobalSeriesPerUser()).isEqualTo(3_000_000);
        assertThat(tenant.outOfOrderTimeWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(tenant.dropLabels()).containsExactly("pod", "instance");
        assertThat(tenant.acceptHaSamples()).isTrue();
        assertThat(tenant.ingestionBurstSize()).isEqualTo(200000);
        assertThat(defaults.ingestionRate()).isEqualTo(10000.0);

        Map<String, Object> nullValue = new java.util.HashMap<>();
        nullValue.put("ingestion_rate", null);
        assertThat(tenant.withOverrides(nullValue).ingestionRate()).isEqualTo(250000.0);
    }

    @Test
    void unknownKeyAndBadValueNameTheKey() {
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("ingestion_rat", "1")))
                .isInstanceOfSatisfying(InvalidLimitException.class, e -> assertThat(e.yamlName()).isEqualTo("ingestion_rat"))
                .hasMessageContaining("ingestion_rat");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("max_global_series_per_user", "lots")))
                .isInstanceOfSatisfying(InvalidLimitException.class, e -> assertThat(e.yamlName()).isEqualTo("max_global_series_per_user"))
                .hasMessageContaining("max_global_series_per_user")
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("name_validation_scheme", "ascii")))
                .hasMessageContaining("name_validation_scheme")
                .hasMessageContaining("legacy, utf8");
    }

    @Test
    void rulesBetweenLimitsAreEnforced() {
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("ha_tracker_failover_timeout", "10s")))
                .isInstanceOfSatisfying(InvalidLimitException.class, e -> assertThat(e.yamlName()).isEqualTo("ha_tracker_failover_timeout"))
                .hasMessage("HA Tracker failover timeout (10s) must be at least 1s greater than update timeout - max jitter (21s)");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("max_estimated_fetched_chunks_per_query_multiplier", "0.5")))
                .hasMessageContaining("-querier.max-estimated-fetched-chunks-per-query-multiplier");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("label_value_length_over_limit_strategy", "truncate", "max_label_value_length", "50")))
                .hasMessageContaining("max label value length of 50");
        assertThat(Limits.defaults().withOverrides(Map.of("label_value_length_over_limit_strategy", "truncate")).labelValueLengthOverLimitStrategy())
                .isEqualTo("truncate");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("otel_translation_strategy", "NoTranslation")))
                .hasMessageContaining("validation scheme is utf8");
        assertThat(Limits.defaults().withOverrides(Map.of("otel_translation_strategy", "NoTranslation", "name_validation_scheme", "utf8"))
                .otelTranslationStrategy()).isEqualTo("NoTranslation");
    }

    @Test
    void yamlMapIsInTableOrderWithMimirsRendering() {
        Map<String, Object> yaml = Limits.defaults().toYamlMap();
        List<String> expectedOrder = LimitsSettings.definitions().stream()
                .map(LimitDefinition::yamlName)
                .filter(name -> !Set.of("metric_relabel_configs", "blocked_queries", "limited_queries", "blocked_requests").contains(name))
                .toList();
        assertThat(yaml.keySet()).containsExactlyElementsOf(expectedOrder);
        assertThat(yaml.get("ingestion_rate")).isEqualTo(10000.0);
        assertThat(yaml.get("max_global_series_per_user")).isEqualTo(150000);
        assertThat(yaml.get("creation_grace_period")).isEqualTo("10m");
        assertThat(yaml.get("results_cache_ttl")).isEqualTo("1w");
        assertThat(yaml.get("past_grace_period")).isEqualTo("0s");
        assertThat(yaml.get("native_histograms_ingestion_enabled")).isEqualTo(true);
        assertThat(yaml.get("drop_labels")).isEqualTo(List.of());

        Limits blocked = Limits.defaults().withOverrides(Map.of("blocked_queries", List.of(Map.of("pattern", "up"))));
        assertThat(blocked.toYamlMap().get("blocked_queries"))
                .isEqualTo(List.of(Map.of("pattern", "up", "regex", false, "reason", "")));
    }

    @Test
    void numericValuesForTheOverridesExporter() {
        Limits limits = Limits.defaults().withOverrides(Map.of("compactor_blocks_retention_period", "30d"));
        assertThat(limits.numericValue("ingestion_rate")).hasValue(10000.0);
        assertThat(limits.numericValue("max_global_series_per_user")).hasValue(150000.0);
        assertThat(limits.numericValue("compactor_blocks_retention_period")).hasValue(30 * 86400.0);
        assertThat(limits.numericValue("creation_grace_period")).hasValue(600.0);
        assertThat(limits.numericValue("native_histograms_ingestion_enabled")).hasValue(1.0);
        assertThat(limits.numericValue("accept_ha_samples")).hasValue(0.0);
        assertThat(limits.numericValue("ha_cluster_label")).isEmpty();
        assertThat(limits.numericValue("blocked_queries")).isEmpty();
        assertThatThrownBy(() -> limits.numericValue("nope")).hasMessageContaining("nope");
    }

    @Test
    void equalByValue() {
        Limits a = Limits.defaults().withOverrides(Map.of("ingestion_rate", "5", "drop_labels", List.of("a")));
        Limits b = Limits.defaults().withOverrides(Map.of("drop_labels", "a", "ingestion_rate", 5));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Limits.defaults());
        assertThat(Limits.defaults().withOverrides(Map.of())).isEqualTo(Limits.defaults());
    }

    private static String camelCase(String yamlName) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : yamlName.toCharArray()) {
            if (c == '_') {
                upper = true;
            }
            else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
