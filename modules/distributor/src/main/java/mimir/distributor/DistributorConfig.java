package mimir.distributor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code distributor} block: request size, instance limits and the HA tracker switch. Per-tenant
 * limits (rates, validation, HA labels and timeouts) are in the {@code limits} block.
 *
 * @param maxRecvMsgSize               largest push body, compressed and decompressed, in bytes
 * @param maxOtlpRequestSize           largest OTLP body, compressed and decompressed, in bytes
 * @param remoteTimeout                timeout of a push to the ingesters (in-process pushes have none)
 * @param maxIngestionRate             instance limit: samples per second over all tenants, 0 unlimited
 * @param maxInflightPushRequests      instance limit: concurrent pushes, 0 unlimited
 * @param maxInflightPushRequestsBytes instance limit: bytes of concurrent push bodies, 0 unlimited
 * @param haTrackerEnabled             whether HA replica deduplication runs at all
 * @param retryAfterEnabled            whether 429 and 5xx answers carry a {@code Retry-After} header
 * @param retryAfterMinBackoff         the header's value for a first attempt, doubled per {@code Retry-Attempt}
 * @param retryAfterMaxBackoff         the header's largest value
 */
public record DistributorConfig(
        int maxRecvMsgSize,
        Duration remoteTimeout,
        double maxIngestionRate,
        int maxInflightPushRequests,
        long maxInflightPushRequestsBytes,
        boolean haTrackerEnabled,
        boolean retryAfterEnabled,
        Duration retryAfterMinBackoff,
        Duration retryAfterMaxBackoff,
        int maxOtlpRequestSize) {

    static final String MAX_RECV_MSG_SIZE_FLAG = "distributor.max-recv-msg-size";
    static final String MAX_INGESTION_RATE_FLAG = "distributor.instance-limits.max-ingestion-rate";
    static final String MAX_INFLIGHT_PUSH_REQUESTS_FLAG = "distributor.instance-limits.max-inflight-push-requests";
    static final String MAX_INFLIGHT_PUSH_REQUESTS_BYTES_FLAG = "distributor.instance-limits.max-inflight-push-requests-bytes";

    static final Setting<Integer> MAX_RECV_MSG_SIZE = Setting.advanced(MAX_RECV_MSG_SIZE_FLAG, "distributor.max_recv_msg_size",
            ValueTypes.INT, 100 << 20,
            "Max message size in bytes that the distributors will accept for incoming push requests to the remote write API. If exceeded, "
                    + "the request will be rejected.");
    static final String MAX_OTLP_REQUEST_SIZE_FLAG = "distributor.max-otlp-request-size";
    static final Setting<Integer> MAX_OTLP_REQUEST_SIZE = Setting.experimental(MAX_OTLP_REQUEST_SIZE_FLAG, "distributor.max_otlp_request_size",
            ValueTypes.INT, 100 << 20,
            "Maximum OTLP request size in bytes that the distributors accept. Requests exceeding this limit are rejected.");
    static final Setting<Duration> REMOTE_TIMEOUT = Setting.advanced("distributor.remote-timeout", "distributor.remote_timeout",
            ValueTypes.DURATION, Duration.ofSeconds(2), "Timeout for downstream ingesters.");
    static final Setting<Double> MAX_INGESTION_RATE = Setting.advanced(MAX_INGESTION_RATE_FLAG,
            "distributor.instance_limits.max_ingestion_rate", ValueTypes.DOUBLE, 0.0,
            "Max ingestion rate (samples/sec) that this distributor will accept. This limit is per-distributor, not per-tenant. Additional "
                    + "push requests will be rejected. Current ingestion rate is computed as exponentially weighted moving average, updated "
                    + "every second. 0 = unlimited.");
    static final Setting<Integer> MAX_INFLIGHT_PUSH_REQUESTS = Setting.advanced(MAX_INFLIGHT_PUSH_REQUESTS_FLAG,
            "distributor.instance_limits.max_inflight_push_requests", ValueTypes.INT, 2000,
            "Max inflight push requests that this distributor can handle. This limit is per-distributor, not per-tenant. Additional "
                    + "requests will be rejected. 0 = unlimited.");
    static final Setting<Long> MAX_INFLIGHT_PUSH_REQUESTS_BYTES = Setting.advanced(MAX_INFLIGHT_PUSH_REQUESTS_BYTES_FLAG,
            "distributor.instance_limits.max_inflight_push_requests_bytes", ValueTypes.LONG, 0L,
            "The sum of the request sizes in bytes of inflight push requests that this distributor can handle. This limit is "
                    + "per-distributor, not per-tenant. Additional requests will be rejected. 0 = unlimited.");
    static final Setting<Boolean> HA_TRACKER_ENABLED = Setting.basic("distributor.ha-tracker.enable",
            "distributor.ha_tracker.enable_ha_tracker", ValueTypes.BOOLEAN, false,
            "Enable the distributors HA tracker so that it can accept samples from Prometheus HA replicas gracefully (requires labels).");

    private static final String RETRY_AFTER_BACKOFF_HELP = "Duration of the Retry-After HTTP header in responses to 429/5xx errors. Must be "
            + "greater than or equal to 1s. Backoff is calculated as MinBackoff*2^(RetryAttempt-1) seconds with random jitter of 50% in either "
            + "direction. RetryAttempt is the value of the Retry-Attempt HTTP header.";
    static final Setting<Boolean> RETRY_AFTER_ENABLED = Setting.advanced("distributor.retry-after-header.enabled",
            "distributor.retry_after_header.enabled", ValueTypes.BOOLEAN, true,
            "Enables inclusion of the Retry-After header in the response: true includes it for client retry guidance, false omits it.");
    static final Setting<Duration> RETRY_AFTER_MIN_BACKOFF = Setting.advanced("distributor.retry-after-header.min-backoff",
            "distributor.retry_after_header.min_backoff", ValueTypes.DURATION, Duration.ofSeconds(6), "Minimum " + RETRY_AFTER_BACKOFF_HELP);
    static final Setting<Duration> RETRY_AFTER_MAX_BACKOFF = Setting.advanced("distributor.retry-after-header.max-backoff",
            "distributor.retry_after_header.max_backoff", ValueTypes.DURATION, Duration.ofSeconds(96), "Maximum " + RETRY_AFTER_BACKOFF_HELP);

    public DistributorConfig {
        requireNonNull(remoteTimeout, "remoteTimeout is null");
        requireNonNull(retryAfterMinBackoff, "retryAfterMinBackoff is null");
        requireNonNull(retryAfterMaxBackoff, "retryAfterMaxBackoff is null");
        if (retryAfterEnabled && (retryAfterMinBackoff.compareTo(Duration.ofSeconds(1)) < 0 || retryAfterMaxBackoff.compareTo(retryAfterMinBackoff) < 0)) {
            throw new IllegalArgumentException("-distributor.retry-after-header.min-backoff must be at least 1s and not above "
                    + "-distributor.retry-after-header.max-backoff");
        }
        if (maxRecvMsgSize <= 0) {
            throw new IllegalArgumentException("-" + MAX_RECV_MSG_SIZE_FLAG + " must be positive, got " + maxRecvMsgSize);
        }
        if (maxIngestionRate < 0 || maxInflightPushRequests < 0 || maxInflightPushRequestsBytes < 0) {
            throw new IllegalArgumentException("distributor instance limits must not be negative");
        }
    }

    static void register(ConfigRegistry registry) {
        registry.register(MAX_RECV_MSG_SIZE);
        registry.register(REMOTE_TIMEOUT);
        registry.register(MAX_INGESTION_RATE);
        registry.register(MAX_INFLIGHT_PUSH_REQUESTS);
        registry.register(MAX_INFLIGHT_PUSH_REQUESTS_BYTES);
        registry.register(HA_TRACKER_ENABLED);
        registry.register(RETRY_AFTER_ENABLED);
        registry.register(RETRY_AFTER_MIN_BACKOFF);
        registry.register(RETRY_AFTER_MAX_BACKOFF);
        registry.register(MAX_OTLP_REQUEST_SIZE);
    }

    static DistributorConfig from(ConfigValues values) {
        return new DistributorConfig(values.get(MAX_RECV_MSG_SIZE), values.get(REMOTE_TIMEOUT), values.get(MAX_INGESTION_RATE),
                values.get(MAX_INFLIGHT_PUSH_REQUESTS), values.get(MAX_INFLIGHT_PUSH_REQUESTS_BYTES), values.get(HA_TRACKER_ENABLED),
                values.get(RETRY_AFTER_ENABLED), values.get(RETRY_AFTER_MIN_BACKOFF), values.get(RETRY_AFTER_MAX_BACKOFF),
                values.get(MAX_OTLP_REQUEST_SIZE));
    }
}
