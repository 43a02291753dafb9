package mimir.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import mimir.spi.limits.BlockedQuery;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestConfigLoader {
    private final TestingSettings settings = new TestingSettings();

    @TempDir
    Path dir;

    @Test
    void defaultsWhenNothingIsGiven() {
        LoadedConfig config = load();
        assertThat(config.get(settings.httpListenPort)).isEqualTo(8080);
        assertThat(config.get(settings.target)).containsExactly("all");
        assertThat(config.isSet(settings.httpListenPort)).isFalse();
        assertThat(config.get(ConfigLoader.CONFIG_FILE)).isEmpty();
    }

    @Test
    void acceptsBothDashFormsWithAndWithoutEquals() {
        assertThat(load("-server.http-listen-port=9001").get(settings.httpListenPort)).isEqualTo(9001);
        assertThat(load("--server.http-listen-port=9002").get(settings.httpListenPort)).isEqualTo(9002);
        assertThat(load("-server.http-listen-port", "9003").get(settings.httpListenPort)).isEqualTo(9003);
        assertThat(load("--server.http-listen-port", "9004").get(settings.httpListenPort)).isEqualTo(9004);
        assertThat(load("-server.http-listen-port=1", "-server.http-listen-port=2").get(settings.httpListenPort)).isEqualTo(2);
        assertThat(load("-target=distributor,ingester").get(settings.target)).containsExactly("distributor", "ingester");
        assertThat(load("-server.http-listen-port=9001").isSet(settings.httpListenPort)).isTrue();
    }

    @Test
    void bareBooleansNeverTakeTheNextArgument() {
        assertThat(load("-auth.multitenancy-enabled=false").get(settings.multitenancy)).isFalse();
        LoadedConfig config = load("-auth.multitenancy-enabled=false", "--auth.multitenancy-enabled", "-server.http-listen-port=1");
        assertThat(config.get(settings.multitenancy)).isTrue();
        assertThat(config.get(settings.httpListenPort)).isEqualTo(1);
        // "-flag false" is a bare boolean followed by a positional argument, as in Go.
        assertThatThrownBy(() -> load("-auth.multitenancy-enabled", "false")).hasMessageContaining("unexpected argument \"false\"");
    }

    @Test
    void commandLineErrorsUseGosMessages() {
        assertThatThrownBy(() -> load("-foo")).isInstanceOf(ConfigException.class).hasMessage("flag provided but not defined: -foo");
        assertThatThrownBy(() -> load("--foo=bar")).hasMessage("flag provided but not defined: -foo");
        assertThatThrownBy(() -> load("-server.http-listen-port")).hasMessage("flag needs an argument: -server.http-listen-port");
        assertThatThrownBy(() -> load("-server.http-listen-port=eighty"))
                .hasMessage("invalid value \"eighty\" for flag -server.http-listen-port: invalid int \"eighty\"");
        assertThatThrownBy(() -> load("-log.level=loud")).hasMessageContaining("-log.level").hasMessageContaining("debug, info, warn, error");
        assertThatThrownBy(() -> load("---x")).hasMessage("bad flag syntax: ---x");
        assertThatThrownBy(() -> load("-=x")).hasMessage("bad flag syntax: -=x");
        assertThatThrownBy(() -> load("ingester")).hasMessageContaining("unexpected argument \"ingester\"");
        assertThatThrownBy(() -> load("--", "x")).hasMessageContaining("unexpected argument \"x\"");
        assertThat(load("-server.http-listen-port=1", "--").get(settings.httpListenPort)).isEqualTo(1);
    }

    @Test
    void yamlOverridesDefaultsAndFlagsOverrideYaml() throws IOException {
        Path file = write("mimir.yaml", """
                target: querier
                multitenancy_enabled: false
                server:
                  http_listen_port: 9009
                  graceful_shutdown_timeout: 1m
                blocks_storage:
                  s3:
                    bucket_name: blocks
                """);
        LoadedConfig fromFile = load("-config.file=" + file);
        assertThat(fromFile.get(settings.target)).containsExactly("querier");
        assertThat(fromFile.get(settings.multitenancy)).isFalse();
        assertThat(fromFile.get(settings.httpListenPort)).isEqualTo(9009);
        assertThat(fromFile.get(settings.gracefulShutdown)).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromFile.get(settings.bucket)).isEqualTo("blocks");
        assertThat(fromFile.isSet(settings.httpListenPort)).isTrue();
        assertThat(fromFile.isSet(settings.logLevel)).isFalse();

        // The flag wins whether it comes before or after -config.file.
        assertThat(load("-server.http-listen-port=1", "-config.file", file.toString()).get(settings.httpListenPort)).isEqualTo(1);
        assertThat(load("-config.file=" + file, "--server.http-listen-port=2").get(settings.httpListenPort)).isEqualTo(2);
    }

    @Test
    void unknownYamlKeyNamesFileLineAndPath() throws IOException {
        Path file = write("mimir.yaml", """
                target: all

                server:
                  # the port
                  log_level: warn
                  graceful_shutdown_timeout: 5s
                  http_listen_prt: 80
                """);
        assertThatThrownBy(() -> load("-config.file=" + file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + file + ": line 7: field http_listen_prt not found in server");

        Path topLevel = write("top.yaml", "tagret: all\n");
        assertThatThrownBy(() -> load("-config.file=" + topLevel))
                .hasMessage("config file " + topLevel + ": line 1: field tagret not found at the top level");

        Path deep = write("deep.yaml", "blocks_storage:\n  s3:\n    bucket: x\n");
        assertThatThrownBy(() -> load("-config.file=" + deep))
                .hasMessage("config file " + deep + ": line 3: field bucket not found in blocks_storage.s3");
    }

    @Test
    void badYamlValuesAndShapesNameKeyAndLine() throws IOException {
        Path badValue = write("a.yaml", "server:\n  http_listen_port: eighty\n");
        assertThatThrownBy(() -> load("-config.file=" + badValue))
                .hasMessage("config file " + badValue + ": line 2: invalid value for server.http_listen_port: invalid int \"eighty\"");

        Path scalarSection = write("b.yaml", "server: 80\n");
        assertThatThrownBy(() -> load("-config.file=" + scalarSection))
                .hasMessage("config file " + scalarSection + ": line 1: expected a mapping for server, got a scalar");

        Path duplicate = write("c.yaml", "server:\n  http_listen_port: 1\n  http_listen_port: 2\n");
        assertThatThrownBy(() -> load("-config.file=" + duplicate))
                .hasMessage("config file " + duplicate + ": line 3: mapping key \"http_listen_port\" already defined at line 2");

        Path twoDocuments = write("d.yaml", "target: all\n---\ntarget: querier\n");
        assertThatThrownBy(() -> load("-config.file=" + twoDocuments))
                .hasMessageContaining("config file " + twoDocuments)
                .hasMessageContaining("multiple YAML documents");

        Path broken = write("e.yaml", "server:\n  http_listen_port: [1\n");
        assertThatThrownBy(() -> load("-config.file=" + broken))
                .hasMessageStartingWith("config file " + broken + ": line ")
                .hasMessageContaining("invalid YAML");

        assertThatThrownBy(() -> load("-config.file=" + dir.resolve("missing.yaml")))
                .hasMessage("config file " + dir.resolve("missing.yaml") + ": no such file");
    }

    @Test
    void yamlNullKeepsScalarDefaultsAndEmptyFileIsFine() throws IOException {
        Path file = write("null.yaml", "server:\n  http_listen_port:\n  log_level: ~\ntarget:\n");
        LoadedConfig config = load("-config.file=" + file);
        assertThat(config.get(settings.httpListenPort)).isEqualTo(8080);
        assertThat(config.get(settings.logLevel)).isEqualTo("info");
        assertThat(config.get(settings.target)).isEmpty();

        Path empty = write("empty.yaml", "# nothing here\n");
        assertThat(load("-config.file=" + empty).get(settings.httpListenPort)).isEqualTo(8080);
    }

    @Test
    void expandEnvReplacesVariablesWithDefaults() throws IOException {
        Path file = write("env.yaml", """
                server:
                  http_listen_port: ${PORT}
                  log_level: ${LEVEL:warn}
                blocks_storage:
                  s3:
                    bucket_name: $BUCKET-blocks
                """);
        Map<String, String> env = Map.of("PORT", "7777", "BUCKET", "prod");
        LoadedConfig config = ConfigLoader.load(List.of("-config.file=" + file, "-config.expand-env"), settings.registry(), env);
        assertThat(config.get(settings.httpListenPort)).isEqualTo(7777);
        assertThat(config.get(settings.logLevel)).isEqualTo("warn");
        assertThat(config.get(settings.bucket)).isEqualTo("prod-blocks");

        // Without -config.expand-env the text is taken literally, and ${PORT} is no int.
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-config.file=" + file), settings.registry(), env))
                .hasMessageContaining("invalid int \"${PORT}\"");
    }

    @Test
    void limitsBlockLoadsIntoTheLimitSettings() throws IOException {
        Path file = write("limits.yaml", """
                limits:
                  ingestion_rate: 50000
                  max_global_series_per_user: 0
                  creation_grace_period: 1h
                  blocked_queries:
                    - pattern: up
                      reason: too popular
                """);
        ConfigRegistryImpl registry = settings.registry();
        LimitsSettings.register(registry);
        LoadedConfig config = ConfigLoader.load(List.of("-config.file=" + file, "-distributor.ingestion-burst-size=7"), registry, Map.of());
        Limits limits = Limits.fromConfig(config);
        assertThat(limits.ingestionRate()).isEqualTo(50000.0);
        assertThat(limits.maxGlobalSeriesPerUser()).isZero();
        assertThat(limits.creationGracePeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(limits.ingestionBurstSize()).isEqualTo(7);
        assertThat(limits.blockedQueries()).containsExactly(new BlockedQuery("up", false, "too popular", false, Duration.ZERO, Duration.ZERO));

        Path badLimit = write("bad-limits.yaml", "limits:\n  ingestion_rate: 1\n  ingestion_rat: 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-config.file=" + badLimit), registry, Map.of()))
                .hasMessage("config file " + badLimit + ": line 3: field ingestion_rat not found in limits");
        // YAML-only limits have no flag.
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-blocked-queries=x"), registry, Map.of()))
                .hasMessage("flag provided but not defined: -blocked-queries");
    }

    @Test
    void settingsOfComponentsElsewhereAreIgnoredAndNamed() throws IOException {
        ComponentSettings elsewhere = ComponentSettings.of(List.of(
                new ComponentSettings.Entry("querier", "querier.timeout", "querier.timeout", false),
                new ComponentSettings.Entry("query-frontend", "query-frontend.cache-results", "frontend.cache_results", true),
                new ComponentSettings.Entry("ingester", "ingester.instance-limits.max-series", "ingester.instance_limits.max_series", false)));
        Path file = dir.resolve("shared.yaml");
        Files.writeString(file, """
                server:
                  http_listen_port: 9009
                querier:
                  timeout: 1m
                frontend: {cache_results: true}
                ingester:
                  instance_limits:
                    max_series: 10
                """);
        List<String> ignored = new java.util.ArrayList<>();
        LoadedConfig config = ConfigLoader.load(List.of("-config.file=" + file, "-querier.timeout", "2m", "-query-frontend.cache-results",
                "-log.level=warn"), settings.registry(), Map.of(), elsewhere, ignored);
        // A flag of another image's component consumes its value like any flag; a boolean one none.
        assertThat(config.get(settings.httpListenPort)).isEqualTo(9009);
        assertThat(config.get(settings.logLevel)).isEqualTo("warn");
        assertThat(ignored).containsExactly("-querier.timeout (querier)", "-query-frontend.cache-results (query-frontend)",
                "querier.timeout (querier)", "frontend.cache_results (query-frontend)", "ingester.instance_limits.max_series (ingester)");
        // Neither a typo nor a key no component has is ignored.
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-querier.timeot=1m"), settings.registry(), Map.of(), elsewhere, new java.util.ArrayList<>()))
                .hasMessage("flag provided but not defined: -querier.timeot");
        Files.writeString(file, "querier:\n  timeot: 1m\n");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-config.file=" + file), settings.registry(), Map.of(), elsewhere, new java.util.ArrayList<>()))
                .hasMessageContaining("field timeot not found in querier");
    }

    private LoadedConfig load(String... args) {
        return ConfigLoader.load(List.of(args), settings.registry(), Map.of());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
