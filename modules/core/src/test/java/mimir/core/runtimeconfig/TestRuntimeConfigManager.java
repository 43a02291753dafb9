package mimir.core.runtimeconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import mimir.core.config.ConfigException;
import mimir.core.config.ConfigLoader;
import mimir.core.config.ConfigRegistryImpl;
import mimir.core.config.LoadedConfig;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;
import mimir.testing.TestingClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRuntimeConfigManager {
    // Replaced by every start(): one registry per manager, as in a process.
    private SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final TestingClock clock = new TestingClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<RuntimeConfigManager> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopManagers() throws InterruptedException {
        for (RuntimeConfigManager manager : started) {
            manager.stop();
        }
    }

    @Test
    void laterFilesOverrideSingleLimitsOfATenant() throws IOException {
        Path first = write("first.yaml", """
                overrides:
                  team-a:
                    ingestion_rate: 1000
                    max_global_series_per_user: 5000
                  team-b:
                    ingestion_rate: 2000
                ingester_limits:
                  max_series: 100
                """);
        Path second = write("second.yaml", """
                overrides:
                  team-a:
                    ingestion_rate: 3000
                  team-c:
                    out_of_order_time_window: 1h
                ingester_limits:
                  max_tenants: 7
                """);
        RuntimeConfigManager manager = start(List.of(first, second), "-distributor.ingestion-burst-size=123");

        assertThat(manager.tenantOverrides().keySet()).containsExactly("team-a", "team-b", "team-c");
        Limits teamA = manager.forTenant("team-a");
        assertThat(teamA.ingestionRate()).isEqualTo(3000.0);
        assertThat(teamA.maxGlobalSeriesPerUser()).isEqualTo(5000);
        // Keys a tenant does not override follow the configured defaults, not the built-in ones.
        assertThat(teamA.ingestionBurstSize()).isEqualTo(123);
        assertThat(manager.forTenant("team-b").ingestionRate()).isEqualTo(2000.0);
        assertThat(manager.forTenant("team-c").outOfOrderTimeWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(manager.forTenant("someone-else")).isSameAs(manager.defaults());
        assertThat(manager.ingesterLimits()).isEqualTo(Map.of("max_series", "100", "max_tenants", "7"));
        assertThat(manager.lastSuccessfulLoad()).contains(clock.instant());
    }

    @Test
    void reloadPicksUpChangesAndNotifiesOnlyOnOverrideChanges() throws IOException {
        Path file = write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rate: 1000\n");
        RuntimeConfigManager manager = start(List.of(file));
        AtomicInteger notifications = new AtomicInteger();
        manager.addChangeListener(notifications::incrementAndGet);

        write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rate: 2000\n");
        assertThat(manager.reload()).isTrue();
        assertThat(manager.forTenant("team-a").ingestionRate()).isEqualTo(2000.0);
        assertThat(notifications).hasValue(1);

        assertThat(manager.reload()).isTrue();
        write("overrides.yaml", "# same overrides, different bytes\noverrides:\n  team-a:\n    ingestion_rate: 2000\ndistributor_limits:\n  max_inflight_push_requests: 5\n");
        assertThat(manager.reload()).isTrue();
        assertThat(manager.distributorLimits()).containsEntry("max_inflight_push_requests", "5");
        assertThat(notifications).hasValue(1);

        write("overrides.yaml", "overrides: {}\n");
        assertThat(manager.reload()).isTrue();
        assertThat(manager.tenantOverrides()).isEmpty();
        assertThat(manager.forTenant("team-a").ingestionRate()).isEqualTo(10000.0);
        assertThat(notifications).hasValue(2);
    }

    @Test
    void brokenFileOnReloadKeepsPreviousValuesAndMarksFailure() throws IOException {
        Path file = write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rate: 1000\n");
        RuntimeConfigManager manager = start(List.of(file));
        String firstHash = hashLabel();
        assertThat(lastReloadSuccessful()).isEqualTo(1.0);

        write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rate: [oops\n");
        assertThat(manager.reload()).isFalse();
        assertThat(lastReloadSuccessful()).isEqualTo(0.0);
        assertThat(manager.forTenant("team-a").ingestionRate()).isEqualTo(1000.0);
        assertThat(hashLabel()).isEqualTo(firstHash);

        write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rat: 5\n");
        assertThat(manager.reload()).isFalse();
        assertThat(lastReloadSuccessful()).isEqualTo(0.0);
        assertThat(manager.forTenant("team-a").ingestionRate()).isEqualTo(1000.0);
        assertThat(meterRegistry.get("cortex_runtime_config_reload_failures").counter().count()).isEqualTo(2.0);

        write("overrides.yaml", "overrides:\n  team-a:\n    ingestion_rate: 5\n");
        assertThat(manager.reload()).isTrue();
        assertThat(lastReloadSuccessful()).isEqualTo(1.0);
        assertThat(manager.forTenant("team-a").ingestionRate()).isEqualTo(5.0);
        assertThat(hashLabel()).isNotEqualTo(firstHash);
        assertThat(meterRegistry.find(RuntimeConfigManager.HASH_METRIC).gauges()).hasSize(1);
    }

    @Test
    void startFailsNamingFileAndLine() throws IOException {
        Path unknownTopLevel = write("a.yaml", "overrides: {}\nlimits:\n  ingestion_rate: 1\n");
        assertThatThrownBy(() -> start(List.of(unknownTopLevel)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("failed to load runtime config: runtime config file " + unknownTopLevel + ": line 2: field limits not found in runtime config");
        assertThat(lastReloadSuccessful()).isEqualTo(0.0);

        Path unknownLimit = write("b.yaml", "overrides:\n  team-a:\n    ingestion_rate: 1\n    ingestion_rat: 2\n");
        assertThatThrownBy(() -> start(List.of(unknownLimit)))
                .hasMessage("failed to load runtime config: runtime config file " + unknownLimit
                        + ": line 4: overrides.team-a: field ingestion_rat not found in limits");

        Path badValue = write("c.yaml", "overrides:\n  team-a:\n\n    max_global_series_per_user: many\n");
        assertThatThrownBy(() -> start(List.of(badValue)))
                .hasMessageContaining("runtime config file " + badValue + ": line 4: overrides.team-a: invalid value for max_global_series_per_user");

        Path twoDocuments = write("d.yaml", "overrides: {}\n---\noverrides: {}\n");
        assertThatThrownBy(() -> start(List.of(twoDocuments))).hasMessageContaining("multiple YAML documents");

        assertThatThrownBy(() -> start(List.of(dir.resolve("missing.yaml"))))
                .hasMessage("failed to load runtime config: runtime config file " + dir.resolve("missing.yaml") + ": no such file");
    }

    @Test
    void invalidTenantIdIsRejected() throws IOException {
        Path file = write("tenants.yaml", "overrides:\n  good-tenant:\n    ingestion_rate: 1\n  \"bad/tenant\":\n    ingestion_rate: 2\n");
        assertThatThrownBy(() -> start(List.of(file)))
                .hasMessageContaining("runtime config file " + file + ": line 4: invalid tenant ID \"bad/tenant\"")
                .hasMessageContaining("unsupported character '/'");
    }

    @Test
    void ruleBetweenLimitsSetInDifferentFilesNamesTheLaterFile() throws IOException {
        Path first = write("first.yaml", "overrides:\n  team-a:\n    ha_tracker_update_timeout: 10s\n");
        Path second = write("second.yaml", "overrides:\n  team-a:\n    ha_tracker_failover_timeout: 12s\n");
        assertThatThrownBy(() -> start(List.of(first, second)))
                .hasMessageContaining("runtime config file " + second + ": line 3: overrides.team-a: HA Tracker failover timeout (12s)");
    }

    @Test
    void gzippedFilesAreGunzipped() throws IOException {
        Path gz = dir.resolve("overrides.yaml.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("overrides:\n  team-z:\n    max_global_series_per_user: 42\n".getBytes(StandardCharsets.UTF_8));
        }
        RuntimeConfigManager manager = start(List.of(gz));
        assertThat(manager.forTenant("team-z").maxGlobalSeriesPerUser()).isEqualTo(42);

        Path disguised = dir.resolve("disguised.yaml");
        Files.copy(gz, disguised);
        assertThatThrownBy(() -> start(List.of(disguised))).hasMessageContaining("looks gzipped but doesn't have a .gz extension");
    }

    @Test
    void rendersFullAndDiffLikeMimir() throws IOException {
        Path file = write("overrides.yaml", """
                overrides:
                  team-b:
                    ingestion_rate: 10000
                  team-a:
                    ingestion_rate: 5000
                    blocked_queries:
                      - pattern: up
                multi_kv_config:
                  primary: consul
                """);
        RuntimeConfigManager manager = start(List.of(file));

        assertThat(manager.renderYaml(true)).isEqualTo("""
                overrides:
                  team-a:
                    ingestion_rate: 5000
                    blocked_queries:
                    - pattern: up
                      regex: false
                      reason: ""
                multi_kv_config:
                  primary: consul
                """);
        String full = manager.renderYaml(false);
        assertThat(full).startsWith("overrides:\n  team-a:\n    max_active_series_per_user: 0\n");
        assertThat(full).contains("\n  team-b:\n").contains("    max_global_series_per_user: 150000\n").contains("    ingestion_rate: 5000\n");
        assertThat(full).endsWith("multi_kv_config:\n  primary: consul\n");

        RuntimeConfigManager disabled = start(List.of());
        assertThat(disabled.renderYaml(false)).isEqualTo("runtime config file doesn't exist");
        assertThat(disabled.tenantOverrides()).isEmpty();
    }

    @Test
    void exposesDskitMetricsWithMimirsPrefixAndConfigLabel() throws IOException {
        Path file = write("overrides.yaml", "overrides: {}\n");
        start(List.of(file));
        Gauge success = meterRegistry.get(RuntimeConfigManager.LAST_RELOAD_SUCCESSFUL_METRIC).tag("config", "mimir-runtime-config").gauge();
        assertThat(success.getId().getName()).isEqualTo("cortex_runtime_config_last_reload_successful");
        assertThat(success.value()).isEqualTo(1.0);
        Gauge hash = meterRegistry.get("cortex_runtime_config_hash").tag("config", "mimir-runtime-config").gauge();
        assertThat(hash.getId().getTag("sha256")).hasSize(64);
        assertThat(hash.value()).isEqualTo(1.0);
    }

    @Test
    void reloadsOnADaemonThreadNamedAfterIt() throws Exception {
        Path file = write("overrides.yaml", "overrides: {}\n");
        start(List.of(file));
        Thread reloader = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(RuntimeConfigManager.THREAD_NAME))
                .findFirst()
                .orElseThrow();
        assertThat(reloader.isDaemon()).isTrue();
    }

    private RuntimeConfigManager start(List<Path> files, String... extraFlags) {
        ConfigRegistryImpl registry = new ConfigRegistryImpl();
        RuntimeConfigManager.registerSettings(registry);
        LimitsSettings.register(registry);
        List<String> args = new ArrayList<>(List.of(extraFlags));
        args.add("-runtime-config.file=" + String.join(",", files.stream().map(Path::toString).toList()));
        // A long period: tests drive reloads themselves.
        args.add("-runtime-config.reload-period=1h");
        LoadedConfig config = ConfigLoader.load(args, registry, Map.of());
        meterRegistry = new SimpleMeterRegistry();
        RuntimeConfigManager manager = new RuntimeConfigManager(meterRegistry, config, clock, Limits.fromConfig(config));
        manager.start();
        started.add(manager);
        return manager;
    }

    private double lastReloadSuccessful() {
        return meterRegistry.get(RuntimeConfigManager.LAST_RELOAD_SUCCESSFUL_METRIC).gauge().value();
    }

    private String hashLabel() {
        return meterRegistry.get(RuntimeConfigManager.HASH_METRIC).gauge().getId().getTag("sha256");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
