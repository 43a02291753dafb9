package mimir.distributor.client;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What a push did, for the client.
 *
 * @param status           the HTTP status: 200 stored, 202 deduplicated HA replica, 400 (some) data
 *                         invalid, 413 too large, 429 rate limited, 5xx retry
 * @param message          empty on success, else the error for the client
 * @param samplesWritten   samples the ingester stored
 * @param exemplarsWritten exemplars the ingester stored
 */
public record PushOutcome(int status, String message, int samplesWritten, int exemplarsWritten) {
    public PushOutcome {
        requireNonNull(message, "message is null");
    }

    /** A failed push that stored nothing. */
    public static PushOutcome error(int status, String message) {
        return new PushOutcome(status, message, 0, 0);
    }

    /** Whether the push was accepted (2xx). */
    public boolean succeeded() {
        return status / 100 == 2;
    }

    /** The response headers remote write 2.0 requires on every processed request. */
    public Map<String, String> remoteWrite2Headers() {
        return Map.of(
                "X-Prometheus-Remote-Write-Samples-Written", Integer.toString(samplesWritten),
                "X-Prometheus-Remote-Write-Histograms-Written", "0",
                "X-Prometheus-Remote-Write-Exemplars-Written", Integer.toString(exemplarsWritten));
    }
}
