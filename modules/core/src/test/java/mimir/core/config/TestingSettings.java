package mimir.core.config;

import java.time.Duration;
import java.util.List;

import mimir.spi.config.Category;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/** A small set of settings shaped like Mimir's, registered fresh for each test. */
final class TestingSettings {
    final Setting<List<String>> target = Setting.basic("target", "target", ValueTypes.STRING_LIST, List.of("all"),
            "Comma-separated list of components to include in the instantiated process.");
    final Setting<Integer> httpListenPort = Setting.basic("server.http-listen-port", "server.http_listen_port", ValueTypes.INT, 8080,
            "HTTP server listen port.");
    final Setting<String> logLevel = Setting.basic("log.level", "server.log_level", ValueTypes.oneOf("debug", "info", "warn", "error"), "info",
            "Only log messages with the given severity or above.");
    final Setting<Duration> gracefulShutdown = Setting.advanced("server.graceful-shutdown-timeout", "server.graceful_shutdown_timeout",
            ValueTypes.DURATION, Duration.ofSeconds(30), "Timeout for graceful shutdowns");
    final Setting<Boolean> multitenancy = Setting.basic("auth.multitenancy-enabled", "multitenancy_enabled", ValueTypes.BOOLEAN, true,
            "When set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header.");
    final Setting<String> secretKey = Setting.basic("blocks-storage.s3.secret-access-key", "blocks_storage.s3.secret_access_key",
            ValueTypes.STRING, "", "S3 secret access key");
    final Setting<String> bucket = Setting.basic("blocks-storage.s3.bucket-name", "blocks_storage.s3.bucket_name", ValueTypes.STRING, "",
            "S3 bucket name");
    final Setting<Double> experimentalRatio = new Setting<>("blocks-storage.tsdb.head-ratio", "blocks_storage.tsdb.head_ratio",
            ValueTypes.DOUBLE, 0.5, "A made-up experimental ratio.", Category.EXPERIMENTAL, null);

    ConfigRegistryImpl registry() {
        ConfigRegistryImpl registry = new ConfigRegistryImpl();
        for (Setting<?> setting : List.of(target, httpListenPort, logLevel, gracefulShutdown, multitenancy, secretKey, bucket, experimentalRatio)) {
            registry.register(setting);
        }
        return registry;
    }
}
