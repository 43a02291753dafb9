package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * A ring's status page ({@code /ingester/ring}, ...), like dskit's: an HTML table a person reads in a
 * browser (instance, zone, state, address, registration, last heartbeat, tokens, ownership) with a
 * "Forget" button per instance, or JSON with {@code Accept: application/json}. {@code POST forget=<id>}
 * removes an instance; an ID the ring does not hold is a 400 naming it.
 */
public final class RingPage {
    private final String title;
    private final RingClient client;

    public RingPage(String title, RingClient client) {
        this.title = requireNonNull(title, "title is null");
        this.client = requireNonNull(client, "client is null");
    }

    /** Registers the page at {@code path} (GET shows it, POST forgets). */
    public void register(HttpRoutes routes, String path) {
        routes.register(path, HttpRoutes.Auth.NONE, title, this::handle, "GET", "POST");
    }

    HttpResponse handle(HttpRequest request) throws IOException {
        if (request.method().equals("POST")) {
            String id = request.param("forget").orElseThrow(() -> new HttpException(400, "missing form parameter forget=<instance id>"));
            if (!client.forget(id)) {
                throw new HttpException(400, "instance " + id + " is not in the ring; nothing forgotten");
            }
            if (wantsJson(request)) {
                return HttpResponse.json(200, "{\"status\":\"success\",\"forgotten\":" + quote(id) + "}");
            }
            return new HttpResponse(303, HttpResponse.TEXT, Map.of("Location", request.path()), ("forgot " + id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Ring ring = client.ring();
        long now = client.clock().millis();
        List<InstanceDesc> instances = new ArrayList<>(ring.instances());
        instances.sort(Comparator.comparing(InstanceDesc::id));
        return wantsJson(request) ? HttpResponse.json(200, json(ring, instances, now)) : HttpResponse.ok(HttpResponse.HTML, html(ring, instances, now));
    }

    private static boolean wantsJson(HttpRequest request) {
        return request.header("accept").map(a -> a.contains("application/json")).orElse(false);
    }

    private String stateOf(InstanceDesc instance, Ring ring, long now) {
        return instance.heartbeatWithin(ring.heartbeatTimeout(), now) ? instance.state().name() : "UNHEALTHY";
    }

    private String json(Ring ring, List<InstanceDesc> instances, long now) {
        StringBuilder out = new StringBuilder("{\"shards\":[");
        for (int i = 0; i < instances.size(); i++) {
            InstanceDesc instance = instances.get(i);
            out.append(i == 0 ? "" : ",").append("{\"id\":").append(quote(instance.id()))
                    .append(",\"state\":").append(quote(stateOf(instance, ring, now)))
                    .append(",\"address\":").append(quote(instance.addr()))
                    .append(",\"timestamp\":").append(quote(Instant.ofEpochSecond(instance.heartbeatSeconds()).toString()))
                    .append(",\"registered_timestamp\":").append(quote(instance.registeredSeconds() == 0 ? "" : Instant.ofEpochSecond(instance.registeredSeconds()).toString()))
                    .append(",\"read_only\":").append(instance.readOnly())
                    .append(",\"zone\":").append(quote(instance.zone()))
                    .append(",\"tokens\":[");
            int[] tokens = instance.tokens();
            for (int t = 0; t < tokens.length; t++) {
                out.append(t == 0 ? "" : ",").append(Integer.toUnsignedString(tokens[t]));
            }
            out.append("],\"ownership\":").append(String.format(Locale.ROOT, "%.2f", ring.ownership(instance) * 100)).append('}');
        }
        return out.append("],\"now\":").append(quote(Instant.ofEpochMilli(now).toString())).append('}').toString();
    }

    private String html(Ring ring, List<InstanceDesc> instances, long now) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>").append(HttpResponse.escapeHtml(title))
                .append("</title></head><body>\n<h1>").append(HttpResponse.escapeHtml(title)).append("</h1>\n<p>Current time: ")
                .append(Instant.ofEpochMilli(now)).append(". Replication factor in effect: ").append(ring.effectiveReplicationFactor())
                .append(".</p>\n<form method=\"POST\"><table border=\"1\" cellpadding=\"4\">\n<tr><th>Instance ID</th><th>Availability zone</th><th>State</th>"
                        + "<th>Address</th><th>Registered at</th><th>Last heartbeat</th><th>Tokens</th><th>Ownership</th><th>Actions</th></tr>\n");
        for (InstanceDesc instance : instances) {
            long age = Math.max(0, now / 1000 - instance.heartbeatSeconds());
            out.append("<tr><td>").append(HttpResponse.escapeHtml(instance.id())).append("</td><td>").append(HttpResponse.escapeHtml(instance.zone()))
                    .append("</td><td>").append(stateOf(instance, ring, now)).append("</td><td>").append(HttpResponse.escapeHtml(instance.addr()))
                    .append("</td><td>").append(instance.registeredSeconds() == 0 ? "" : Instant.ofEpochSecond(instance.registeredSeconds()).toString())
                    .append("</td><td>").append(age).append("s ago (").append(Instant.ofEpochSecond(instance.heartbeatSeconds())).append(")</td><td>")
                    .append(instance.tokenCount()).append("</td><td>").append(String.format(Locale.ROOT, "%.1f%%", ring.ownership(instance) * 100))
                    .append("</td><td><button name=\"forget\" value=\"").append(HttpResponse.escapeHtml(instance.id()))
                    .append("\" type=\"submit\">Forget</button></td></tr>\n");
        }
        return out.append("</table></form>\n</body></html>\n").toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
