package mimir.alertmanager.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.alertmanager.config.AmConfig.WebhookConfig;
import mimir.alertmanager.model.Alert;

/**
 * The webhook integration: Alertmanager's webhook payload (version 4) POSTed as JSON, retried with
 * exponential backoff on network errors, 429 and 5xx until the flush's deadline, as Alertmanager's
 * retry stage does; any other 4xx is final.
 */
public final class Webhook {
    private static final JsonFactory JSON = new JsonFactory();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Webhook() {}

    /** What one notification carries. */
    public record Message(String receiver, String groupKey, Map<String, String> groupLabels, List<Alert> alerts, int truncated, String externalUrl) {}

    /**
     * Sends until success or until {@code budget} has passed.
     *
     * @param now the time the payload's alert states are computed at
     * @return null on success, else the last error
     */
    public static String send(WebhookConfig config, Message message, long now, Duration budget) throws InterruptedException {
        return post(config, payload(message, now), budget);
    }

    /** POSTs a JSON body to the integration's URL with the retries described above; null on success, else the last error. */
    static String post(WebhookConfig config, String body, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        long backoff = 200;
        String lastError;
        while (true) {
            Duration timeout = config.timeout().isZero() ? Duration.ofSeconds(10) : config.timeout();
            try {
                HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(config.url()).timeout(timeout)
                        .header("Content-Type", "application/json").header("User-Agent", "Alertmanager/mimir-jvm")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return null;
                }
                lastError = "unexpected status code " + status + ": " + config.url() + ": " + abbreviate(response.body());
                if (status != 429 && status / 100 != 5) {
                    return lastError;
                }
            }
            catch (IOException e) {
                lastError = "Post \"" + config.url() + "\": " + e;
            }
            if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                return lastError;
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    private static String abbreviate(String body) {
        String trimmed = body.strip();
        return trimmed.length() > 200 ? trimmed.substring(0, 200) + "…" : trimmed;
    }

    /** Go's RFC 3339 form of a time; the zero time for 0. */
    public static String time(long millis) {
        return millis == 0 ? "0001-01-01T00:00:00Z" : Instant.ofEpochMilli(millis).toString();
    }

    static String payload(Message message, long now) {
        StringWriter out = new StringWriter();
        boolean firing = message.alerts().stream().anyMatch(a -> !a.resolvedAt(now));
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("receiver", message.receiver());
            json.writeStringField("status", firing ? "firing" : "resolved");
            json.writeArrayFieldStart("alerts");
            for (Alert alert : message.alerts()) {
                json.writeStartObject();
                json.writeStringField("status", alert.resolvedAt(now) ? "resolved" : "firing");
                map(json, "labels", alert.labels());
                map(json, "annotations", alert.annotations());
                json.writeStringField("startsAt", time(alert.startsAt()));
                json.writeStringField("endsAt", alert.resolvedAt(now) ? time(alert.endsAt()) : "0001-01-01T00:00:00Z");
                json.writeStringField("generatorURL", alert.generatorUrl());
                json.writeStringField("fingerprint", alert.fingerprintHex());
                json.writeEndObject();
            }
            json.writeEndArray();
            map(json, "groupLabels", message.groupLabels());
            map(json, "commonLabels", common(message.alerts(), true));
            map(json, "commonAnnotations", common(message.alerts(), false));
            json.writeStringField("externalURL", message.externalUrl());
            json.writeStringField("version", "4");
            json.writeStringField("groupKey", message.groupKey());
            json.writeNumberField("truncatedAlerts", message.truncated());
            json.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void map(JsonGenerator json, String field, Map<String, String> values) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    /** The labels (or annotations) every alert has with the same value. */
    static Map<String, String> common(List<Alert> alerts, boolean labels) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new HashMap<>(labels ? alerts.getFirst().labels() : alerts.getFirst().annotations());
        for (Alert alert : alerts) {
            Map<String, String> values = labels ? alert.labels() : alert.annotations();
            common.entrySet().removeIf(e -> !e.getValue().equals(values.get(e.getKey())));
        }
        return common;
    }
}
