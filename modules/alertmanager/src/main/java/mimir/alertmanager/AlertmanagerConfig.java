package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code alertmanager} block, with Mimir's flags and defaults.
 *
 * @param fallbackConfigFile {@code -alertmanager.configs.fallback}: the configuration of tenants without one (empty: none)
 * @param pollInterval       {@code -alertmanager.configs.poll-interval}: how often configurations are re-read from storage
 * @param retention          {@code -alertmanager.storage.retention}: how long silences and the notification log are kept
 * @param externalUrl        {@code -alertmanager.web.external-url}
 * @param enableApi          {@code -alertmanager.enable-api}: the configuration API
 * @param persistInterval    {@code -alertmanager.persist-interval}: the longest time a state change waits to be stored
 * @param prefix             {@code -http.alertmanager-http-prefix}
 */
public record AlertmanagerConfig(String fallbackConfigFile, Duration pollInterval, Duration retention, String externalUrl, boolean enableApi,
        Duration persistInterval, String prefix) {
    static final Setting<String> FALLBACK = Setting.basic("alertmanager.configs.fallback", "alertmanager.fallback_config_file", ValueTypes.STRING, "",
            "Filename of fallback config to use if none specified for instance.");
    static final Setting<Duration> POLL_INTERVAL = Setting.advanced("alertmanager.configs.poll-interval", "alertmanager.poll_interval",
            ValueTypes.DURATION, Duration.ofSeconds(15), "How frequently to poll Alertmanager configs.");
    static final Setting<Duration> RETENTION = Setting.advanced("alertmanager.storage.retention", "alertmanager.retention", ValueTypes.DURATION,
            Duration.ofHours(120), "How long should we store stateful data (notification logs and silences). For notification log entries, refers to "
                    + "how long should we keep entries before they expire and are deleted. For silences, refers to how long should tenants view silences "
                    + "after they expire and are deleted.");
    static final Setting<String> EXTERNAL_URL = Setting.basic("alertmanager.web.external-url", "alertmanager.external_url", ValueTypes.STRING,
            "http://localhost:8080/alertmanager", "The URL under which Alertmanager is externally reachable (eg. could be different than default "
                    + "due to a reverse proxy).");
    static final Setting<Boolean> ENABLE_API = Setting.basic("alertmanager.enable-api", "alertmanager.enable_api", ValueTypes.BOOLEAN, true,
            "Enable the alertmanager config API.");
    static final Setting<Duration> PERSIST_INTERVAL = Setting.advanced("alertmanager.persist-interval", "alertmanager.persist_interval",
            ValueTypes.DURATION, Duration.ofMinutes(15), "The interval between persisting the current alertmanager state (notification log and silences) "
                    + "to object storage. State changes are also stored within a second of happening.");
    static final Setting<String> PREFIX = Setting.advanced("http.alertmanager-http-prefix", "api.alertmanager_http_prefix", ValueTypes.STRING,
            "/alertmanager", "HTTP URL path under which the Alertmanager ui and api will be served.");

    public AlertmanagerConfig {
        requireNonNull(fallbackConfigFile, "fallbackConfigFile is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(externalUrl, "externalUrl is null");
        requireNonNull(persistInterval, "persistInterval is null");
        requireNonNull(prefix, "prefix is null");
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("-alertmanager.configs.poll-interval must be at least 1s, got " + pollInterval);
        }
    }

    public static AlertmanagerConfig defaults() {
        return new AlertmanagerConfig("", Duration.ofSeconds(15), Duration.ofHours(120), "http://localhost:8080/alertmanager", true,
                Duration.ofMinutes(15), "/alertmanager");
    }

    public AlertmanagerConfig withFallback(String file) {
        return new AlertmanagerConfig(file, pollInterval, retention, externalUrl, enableApi, persistInterval, prefix);
    }

    static void register(ConfigRegistry registry) {
        for (Setting<?> setting : List.of(FALLBACK, POLL_INTERVAL, RETENTION, EXTERNAL_URL, ENABLE_API, PERSIST_INTERVAL, PREFIX)) {
            registry.register(setting);
        }
    }

    static AlertmanagerConfig from(ConfigValues values) {
        return new AlertmanagerConfig(values.get(FALLBACK), values.get(POLL_INTERVAL), values.get(RETENTION), values.get(EXTERNAL_URL),
                values.get(ENABLE_API), values.get(PERSIST_INTERVAL), values.get(PREFIX));
    }
}
