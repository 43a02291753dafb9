package mimir.ruler.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;

/**
 * Sends alerts to the Alertmanagers of {@code -ruler.alertmanager-url} with Alertmanager's v2 API
 * ({@code POST <url>/api/v2/alerts}), each tenant's alerts with its {@code X-Scope-OrgID}, as Mimir's
 * per-tenant notifiers do. Alerts wait in a queue of {@code -ruler.notification-queue-capacity}
 * (the oldest are dropped when it is full) and go out in batches of at most 64 per request, with
 * {@code -ruler.notification-timeout} per request.
 */
public final class Notifier implements AlertSender, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Notifier.class.getName());
    private static final int MAX_BATCH = 64;
    private static final JsonFactory JSON = new JsonFactory();

    /** One alert to send. */
    public record Notification(String tenant, Labels labels, Labels annotations, long startsAt, long endsAt, String generatorUrl) {}

    /** Counts sends per tenant and Alertmanager. */
    public interface Listener {
        void sent(String tenant, String alertmanager, int count);

        void failed(String tenant, String alertmanager, int count);

        void dropped(String tenant, int count);
    }

    private final List<URI> alertmanagers;
    private final Duration timeout;
    private final Listener listener;
    private final BlockingQueue<Notification> queue;
    private final HttpClient client;
    private final Thread sender;
    private volatile boolean running = true;

    public Notifier(List<String> alertmanagerUrls, int capacity, Duration timeout, Listener listener) {
        List<URI> uris = new ArrayList<>();
        for (String url : alertmanagerUrls) {
            String trimmed = url.strip();
            if (!trimmed.isEmpty()) {
                URI uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                    throw new IllegalArgumentException("-ruler.alertmanager-url: not an http(s) URL: " + trimmed);
                }
                uris.add(uri);
            }
        }
        this.alertmanagers = List.copyOf(uris);
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.sender = alertmanagers.isEmpty() ? null : Thread.ofVirtual().name("ruler-notifier").start(this::run);
    }

    /** Whether any Alertmanager is configured. */
    public boolean enabled() {
        return !alertmanagers.isEmpty();
    }

    public int queueLength() {
        return queue.size();
    }

    /** Queues notifications; when the queue is full the oldest ones are dropped, as Prometheus does. */
    @Override
    public void send(List<Notification> notifications) {
        if (!enabled()) {
            return;
        }
        for (Notification notification : notifications) {
            while (!queue.offer(notification)) {
                Notification dropped = queue.poll();
                if (dropped != null) {
                    listener.dropped(dropped.tenant(), 1);
                }
            }
        }
    }

    private void run() {
        while (running) {
            Notification first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            List<Notification> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH * 4);
            // One request per tenant and at most MAX_BATCH alerts.
            while (!batch.isEmpty()) {
                String tenant = batch.getFirst().tenant();
                List<Notification> forTenant = new ArrayList<>();
                List<Notification> rest = new ArrayList<>();
                for (Notification notification : batch) {
                    (notification.tenant().equals(tenant) && forTenant.size() < MAX_BATCH ? forTenant : rest).add(notification);
                }
                post(tenant, forTenant);
                batch = rest;
            }
        }
    }

    private void post(String tenant, List<Notification> notifications) {
        String body = encode(notifications);
        for (URI alertmanager : alertmanagers) {
            URI target = URI.create(alertmanager + "/api/v2/alerts");
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(target).timeout(timeout)
                        .header("Content-Type", "application/json").header("X-Scope-OrgID", tenant)
                        .header("User-Agent", "mimir-ruler").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IOException("bad response status " + response.statusCode() + ": " + response.body().strip());
                }
                listener.sent(tenant, alertmanager.toString(), notifications.size());
            }
            catch (IOException e) {
                listener.failed(tenant, alertmanager.toString(), notifications.size());
                LOG.log(Level.WARNING, "error sending alerts user=" + tenant + " alertmanager=" + alertmanager + " count=" + notifications.size()
                        + " err=\"" + e.getMessage() + "\"");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The v2 API's body: {@code [{"labels":{},"annotations":{},"startsAt":...,"endsAt":...,"generatorURL":...}]}. */
    static String encode(List<Notification> notifications) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (Notification n : notifications) {
                json.writeStartObject();
                json.writeObjectFieldStart("labels");
                n.labels().forEach((name, value) -> write(json, name, value));
                json.writeEndObject();
                json.writeObjectFieldStart("annotations");
                n.annotations().forEach((name, value) -> write(json, name, value));
                json.writeEndObject();
                if (n.startsAt() != 0) {
                    json.writeStringField("startsAt", Instant.ofEpochMilli(n.startsAt()).toString());
                }
                if (n.endsAt() != 0) {
                    json.writeStringField("endsAt", Instant.ofEpochMilli(n.endsAt()).toString());
                }
                json.writeStringField("generatorURL", n.generatorUrl());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator json, String name, String value) {
        try {
            json.writeStringField(name, value);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (sender != null) {
            sender.join(Duration.ofSeconds(2));
        }
        client.close();
    }
}
