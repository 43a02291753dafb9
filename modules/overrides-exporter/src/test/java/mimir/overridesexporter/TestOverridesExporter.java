package mimir.overridesexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;

import mimir.spi.limits.Limits;
import mimir.testing.TestingOverrides;
import org.junit.jupiter.api.Test;

class TestOverridesExporter {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestingOverrides overrides = new TestingOverrides(Limits.defaults());

    private Double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        return gauge == null ? null : gauge.value();
    }

    @Test
    void exportsDefaultsAndEachTenantsOverridesAndFollowsChanges() throws Exception {
        OverridesExporter exporter = new OverridesExporter(new OverridesExporterConfig(OverridesExporterConfig.DEFAULT_ENABLED_METRICS), overrides, registry);
        overrides.set(Map.of("tenant-a", Limits.defaults().withOverrides(Map.of("ingestion_rate", "12345"))));
        exporter.start(cause -> {
            throw new AssertionError(cause);
        });

        assertThat(gauge("cortex_limits_defaults", "limit_name", "ingestion_rate")).isEqualTo(10000.0);
        assertThat(gauge("cortex_limits_defaults", "limit_name", "max_global_series_per_user")).isEqualTo(150000.0);
        assertThat(gauge("cortex_limits_defaults", "limit_name", "ruler_max_rule_groups_per_tenant")).isEqualTo(70.0);
        assertThat(gauge("cortex_limits_overrides", "limit_name", "ingestion_rate", "user", "tenant-a")).isEqualTo(12345.0);
        assertThat(gauge("cortex_limits_overrides", "limit_name", "max_global_series_per_user", "user", "tenant-a")).isEqualTo(150000.0);
        assertThat(registry.find("cortex_limits_overrides").gauges()).hasSize(OverridesExporterConfig.DEFAULT_ENABLED_METRICS.size());

        overrides.set(Map.of("tenant-b", Limits.defaults().withOverrides(Map.of("max_global_series_per_user", "7"))));
        assertThat(gauge("cortex_limits_overrides", "limit_name", "ingestion_rate", "user", "tenant-a")).isNull();
        assertThat(gauge("cortex_limits_overrides", "limit_name", "max_global_series_per_user", "user", "tenant-b")).isEqualTo(7.0);

        exporter.stop();
        assertThat(registry.find("cortex_limits_overrides").gauges()).isEmpty();
    }

    @Test
    void onlyEnabledMetricsAreExportedAndUnknownOnesAreRejected() throws Exception {
        OverridesExporter exporter = new OverridesExporter(new OverridesExporterConfig(List.of("max_label_names_per_series")), overrides, registry);
        exporter.start(cause -> {
            throw new AssertionError(cause);
        });
        assertThat(registry.find("cortex_limits_defaults").gauges()).hasSize(1);
        assertThat(gauge("cortex_limits_defaults", "limit_name", "max_label_names_per_series")).isEqualTo(30.0);

        assertThatThrownBy(() -> new OverridesExporter(new OverridesExporterConfig(List.of("no_such_limit")), overrides, registry))
                .hasMessageContaining("-overrides-exporter.enabled-metrics: no_such_limit");
    }
}
