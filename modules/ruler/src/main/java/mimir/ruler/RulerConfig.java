package mimir.ruler;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.config.ValueTypes;

/**
 * The {@code ruler} block, with Mimir's flags and defaults.
 *
 * @param evaluationInterval        {@code -ruler.evaluation-interval}: a group's interval unless it sets one
 * @param pollInterval              {@code -ruler.poll-interval}: how often rule groups are re-read from storage
 *                                  (changes through the config API apply at once)
 * @param alertmanagerUrls          {@code -ruler.alertmanager-url}, comma-separated
 * @param enableApi                 {@code -ruler.enable-api}
 * @param resendDelay               {@code -ruler.resend-delay}
 * @param outageTolerance           {@code -ruler.for-outage-tolerance}
 * @param notificationQueueCapacity {@code -ruler.notification-queue-capacity}
 * @param notificationTimeout       {@code -ruler.notification-timeout}
 * @param externalUrl               {@code -ruler.external.url}
 * @param prometheusPrefix          {@code -http.prometheus-http-prefix}
 * @param federationEnabled         {@code -tenant-federation.enabled}: whether groups may set {@code source_tenants}
 */
public record RulerConfig(Duration evaluationInterval, Duration pollInterval, List<String> alertmanagerUrls, boolean enableApi, Duration resendDelay,
        Duration outageTolerance, int notificationQueueCapacity, Duration notificationTimeout, String externalUrl, String prometheusPrefix,
        boolean federationEnabled) {
    static final Setting<Duration> EVALUATION_INTERVAL = Setting.basic("ruler.evaluation-interval", "ruler.evaluation_interval", ValueTypes.DURATION,
            Duration.ofMinutes(1), "How frequently to evaluate rules");
    static final Setting<Duration> POLL_INTERVAL = Setting.basic("ruler.poll-interval", "ruler.poll_interval", ValueTypes.DURATION,
            Duration.ofMinutes(10), "How frequently the configured rule groups are re-synced from the object storage.");
    static final Setting<List<String>> ALERTMANAGER_URL = Setting.basic("ruler.alertmanager-url", "ruler.alertmanager_url", ValueTypes.STRING_LIST,
            List.of(), "Comma-separated list of URL(s) of the Alertmanager(s) to send notifications to. Each URL is treated as a separate group. "
                    + "Multiple Alertmanagers in HA per group can be supported by using DNS service discovery format, comprehensive of the scheme. "
                    + "Basic auth is supported as part of the URL.");
    static final Setting<Boolean> ENABLE_API = Setting.basic("ruler.enable-api", "ruler.enable_api", ValueTypes.BOOLEAN, true,
            "Enable the ruler config API.");
    static final Setting<Duration> RESEND_DELAY = Setting.advanced("ruler.resend-delay", "ruler.resend_delay", ValueTypes.DURATION,
            Duration.ofMinutes(1), "Minimum amount of time to wait before resending an alert to Alertmanager.");
    static final Setting<Duration> FOR_OUTAGE_TOLERANCE = Setting.advanced("ruler.for-outage-tolerance", "ruler.for_outage_tolerance",
            ValueTypes.DURATION, Duration.ofHours(1), "Max time to tolerate outage for restoring \"for\" state of alert.");
    static final Setting<Integer> NOTIFICATION_QUEUE_CAPACITY = Setting.advanced("ruler.notification-queue-capacity",
            "ruler.notification_queue_capacity", ValueTypes.INT, 10000, "Capacity of the queue for notifications to be sent to the Alertmanager.");
    static final Setting<Duration> NOTIFICATION_TIMEOUT = Setting.advanced("ruler.notification-timeout", "ruler.notification_timeout",
            ValueTypes.DURATION, Duration.ofSeconds(10), "HTTP timeout duration when sending notifications to the Alertmanager.");
    static final Setting<String> EXTERNAL_URL = Setting.basic("ruler.external.url", "ruler.external_url", ValueTypes.STRING, "",
            "URL of alerts return path.");

    public RulerConfig {
        requireNonNull(evaluationInterval, "evaluationInterval is null");
        requireNonNull(pollInterval, "pollInterval is null");
        alertmanagerUrls = List.copyOf(alertmanagerUrls);
        requireNonNull(resendDelay, "resendDelay is null");
        requireNonNull(outageTolerance, "outageTolerance is null");
        requireNonNull(notificationTimeout, "notificationTimeout is null");
        requireNonNull(externalUrl, "externalUrl is null");
        requireNonNull(prometheusPrefix, "prometheusPrefix is null");
        if (evaluationInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("-ruler.evaluation-interval must be at least 1s, got " + evaluationInterval);
        }
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("-ruler.poll-interval must be at least 1s, got " + pollInterval);
        }
        if (notificationQueueCapacity <= 0) {
            throw new IllegalArgumentException("-ruler.notification-queue-capacity must be positive, got " + notificationQueueCapacity);
        }
    }

    /** The defaults, for tests. */
    public static RulerConfig defaults() {
        return new RulerConfig(Duration.ofMinutes(1), Duration.ofMinutes(10), List.of(), true, Duration.ofMinutes(1), Duration.ofHours(1), 10000,
                Duration.ofSeconds(10), "", "/prometheus", false);
    }

    static void register(ConfigRegistry registry) {
        for (Setting<?> setting : List.of(EVALUATION_INTERVAL, POLL_INTERVAL, ALERTMANAGER_URL, ENABLE_API, RESEND_DELAY, FOR_OUTAGE_TOLERANCE,
                NOTIFICATION_QUEUE_CAPACITY, NOTIFICATION_TIMEOUT, EXTERNAL_URL)) {
            registry.register(setting);
        }
    }

    static RulerConfig from(ConfigValues values) {
        return new RulerConfig(values.get(EVALUATION_INTERVAL), values.get(POLL_INTERVAL), values.get(ALERTMANAGER_URL), values.get(ENABLE_API),
                values.get(RESEND_DELAY), values.get(FOR_OUTAGE_TOLERANCE), values.get(NOTIFICATION_QUEUE_CAPACITY), values.get(NOTIFICATION_TIMEOUT),
                values.get(EXTERNAL_URL), values.get(SharedSettings.PROMETHEUS_HTTP_PREFIX), values.get(SharedSettings.TENANT_FEDERATION_ENABLED));
    }
}
