package mimir.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import mimir.spi.limits.LimitsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestLoadedConfigRendering {
    private final TestingSettings settings = new TestingSettings();

    @TempDir
    Path dir;

    @Test
    void allModeNestsByPathInRegistrationOrderAndMasksSecrets() throws IOException {
        LoadedConfig config = load("""
                blocks_storage:
                  s3:
                    secret_access_key: hunter2
                """, "-server.http-listen-port=9009");
        assertThat(config.renderYaml(LoadedConfig.Mode.ALL)).isEqualTo("""
                target:
                - all
                server:
                  http_listen_port: 9009
                  log_level: info
                  graceful_shutdown_timeout: 30s
                multitenancy_enabled: true
                blocks_storage:
                  s3:
                    secret_access_key: '********'
                    bucket_name: ""
                  tsdb:
                    head_ratio: 0.5
                """);
    }

    @Test
    void diffModeShowsOnlyChangedValues() throws IOException {
        LoadedConfig config = load("server:\n  log_level: warn\n  http_listen_port: 8080\n", "-auth.multitenancy-enabled=false");
        assertThat(config.renderYaml(LoadedConfig.Mode.DIFF)).isEqualTo("""
                server:
                  log_level: warn
                multitenancy_enabled: false
                """);
        assertThat(load("").renderYaml(LoadedConfig.Mode.DIFF)).isEqualTo("{}\n");
    }

    @Test
    void defaultsModeIgnoresWhatWasSet() throws IOException {
        LoadedConfig config = load("server:\n  log_level: warn\n", "-blocks-storage.s3.secret-access-key=s3cr3t");
        String defaults = config.renderYaml(LoadedConfig.Mode.DEFAULTS);
        assertThat(defaults).contains("log_level: info").contains("secret_access_key: \"\"").doesNotContain("warn").doesNotContain("s3cr3t");
        assertThat(config.renderYaml(LoadedConfig.Mode.ALL)).doesNotContain("s3cr3t").contains("secret_access_key: '********'");
    }

    @Test
    void limitsRenderLikeMimir() throws IOException {
        ConfigRegistryImpl registry = settings.registry();
        LimitsSettings.register(registry);
        Path file = Files.writeString(dir.resolve("limits.yaml"), "limits:\n  ingestion_rate: 25000.5\n  drop_labels: [pod]\n");
        LoadedConfig config = ConfigLoader.load(List.of("-config.file=" + file), registry, Map.of());
        String all = config.renderYaml(LoadedConfig.Mode.ALL);
        assertThat(all).contains("\nlimits:\n  max_active_series_per_user: 0\n  request_rate: 0\n")
                .contains("  ingestion_rate: 25000.5\n  ingestion_burst_size: 200000\n")
                .contains("  creation_grace_period: 10m\n")
                .contains("  results_cache_ttl: 1w\n")
                .contains("  drop_labels:\n  - pod\n")
                .contains("  ha_replica_label: __replica__\n")
                .doesNotContain("blocked_queries");
        assertThat(config.renderYaml(LoadedConfig.Mode.DIFF)).isEqualTo("""
                limits:
                  ingestion_rate: 25000.5
                  drop_labels:
                  - pod
                """);
    }

    private LoadedConfig load(String yaml, String... flags) throws IOException {
        Path file = Files.writeString(dir.resolve("mimir.yaml"), yaml);
        List<String> args = new java.util.ArrayList<>(List.of(flags));
        args.add("-config.file=" + file);
        return ConfigLoader.load(args, settings.registry(), Map.of());
    }
}
