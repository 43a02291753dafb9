package mimir.distributor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import mimir.distributor.client.PushOutcome;
import mimir.distributor.hatracker.HaTracker;
import mimir.distributor.remotewrite.Discards;
import mimir.distributor.remotewrite.MalformedRequestException;
import mimir.distributor.remotewrite.SeriesCache;
import mimir.snappy.Snappy;
import mimir.snappy.SnappyException;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * The distributor's HTTP endpoints: {@code POST /api/v1/push} (Prometheus remote write 1.0 and 2.0,
 * snappy block compression) and the {@code GET /distributor/ha_tracker} page.
 *
 * <p>Content negotiation as the remote write 2.0 spec's reference handler does it: no
 * {@code Content-Type} or {@code application/x-protobuf} is 1.0 unless {@code proto=} says
 * {@code io.prometheus.write.v2.Request}; another media type or {@code proto} is a 415, and so is a
 * {@code Content-Encoding} other than {@code snappy} (none means snappy, for old senders). The body is
 * checked against {@code -distributor.max-recv-msg-size} before and after decompression (413); the
 * decompressed size is read from the snappy header before anything is allocated.
 */
@Singleton
public final class DistributorHttpApi {
    static final String PUSH_PATH = "/api/v1/push";
    static final String HA_TRACKER_PATH = "/distributor/ha_tracker";
    static final String RW1_PROTO = "prometheus.WriteRequest";
    static final String RW2_PROTO = "io.prometheus.write.v2.Request";

    private final Distributor distributor;
    private final Overrides overrides;
    private final Clock clock;

    @Inject
    public DistributorHttpApi(Distributor distributor, Overrides overrides, Clock clock) {
        this.distributor = requireNonNull(distributor, "distributor is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(HttpRoutes routes) {
        routes.register(PUSH_PATH, HttpRoutes.Auth.TENANT, "Prometheus remote write (1.0 and 2.0)", this::push, "POST");
        routes.register(HA_TRACKER_PATH, HttpRoutes.Auth.NONE, "HA tracker status", request -> haTrackerPage(), "GET");
    }

    HttpResponse push(HttpRequest request) {
        String tenant = request.requireTenant();
        byte[] body = request.body();
        int limit = distributor.config().maxRecvMsgSize();
        if (body.length > limit) {
            return HttpResponse.text(413, tooLarge(body.length, limit, "compressed") + "\n");
        }
        String encoding = request.header("Content-Encoding").orElse("").trim();
        if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("snappy")) {
            return HttpResponse.text(415, "unsupported Content-Encoding \"" + encoding + "\": remote write bodies must be snappy-compressed\n");
        }
        String proto;
        try {
            proto = protoOf(request.header("Content-Type").orElse(""));
        }
        catch (IllegalArgumentException e) {
            return HttpResponse.text(415, e.getMessage() + "\n");
        }
        boolean v2 = proto.equals(RW2_PROTO);
        PushOutcome refused = distributor.startRequest(body.length);
        if (refused != null) {
            return response(request, refused, v2);
        }
        Distributor.PushContext context = distributor.takeContext();
        try {
            byte[] raw;
            int length;
            try {
                length = Snappy.uncompressedLength(body, 0, body.length);
                if (length > limit) {
                    return response(request, PushOutcome.error(413, tooLarge(length, limit, "uncompressed")), v2);
                }
                raw = context.decompressBuffer(length);
                Snappy.decompress(body, 0, body.length, raw, 0);
            }
            catch (SnappyException e) {
                return response(request, PushOutcome.error(400, e.getMessage()), v2);
            }
            Discards discards = new Discards();
            SeriesCache cache = v2 ? null : distributor.seriesCache(tenant);
            try {
                if (v2) {
                    context.remoteWrite2.decode(raw, 0, length, context.decoded, discards);
                }
                else {
                    context.remoteWrite1.decode(raw, 0, length, context.decoded, discards, cache, cache == null ? null : context.keys);
                }
            }
            catch (MalformedRequestException e) {
                return response(request, PushOutcome.error(400, e.getMessage()), v2);
            }
            return response(request, distributor.push(tenant, context.decoded, discards, context, cache), v2);
        }
        finally {
            distributor.returnContext(context);
            distributor.finishRequest(body.length);
        }
    }

    private static String tooLarge(long size, int limit, String which) {
        return DistributorValidation.perInstanceLimit("the incoming push request has been rejected because its message size of " + size
                + " bytes (" + which + ") is larger than the allowed limit of " + limit + " bytes", "distributor-max-write-message-size",
                DistributorConfig.MAX_RECV_MSG_SIZE_FLAG);
    }

    private HttpResponse response(HttpRequest request, PushOutcome outcome, boolean v2) {
        Map<String, String> headers = new HashMap<>(v2 ? outcome.remoteWrite2Headers() : Map.of());
        DistributorConfig config = distributor.config();
        if (config.retryAfterEnabled() && (outcome.status() == 429 || outcome.status() / 100 == 5)) {
            headers.put("Retry-After", Long.toString(retryAfterSeconds(request.header("Retry-Attempt").orElse(""),
                    config.retryAfterMinBackoff().toSeconds(), config.retryAfterMaxBackoff().toSeconds(), ThreadLocalRandom.current())));
        }
        String text = outcome.message().isEmpty() ? "" : outcome.message() + "\n";
        return new HttpResponse(outcome.status(), HttpResponse.TEXT, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Mimir's {@code Retry-After}: {@code min * 2^(attempt - 1)} seconds capped at {@code max}, with
     * up to 50 % jitter either way, then clamped to {@code [min, max]}; a missing or bad
     * {@code Retry-Attempt} counts as the first attempt.
     */
    static long retryAfterSeconds(String retryAttempt, long min, long max, RandomGenerator random) {
        int attempt;
        try {
            attempt = Math.max(1, Integer.parseInt(retryAttempt.trim()));
        }
        catch (NumberFormatException e) {
            attempt = 1;
        }
        double delay = Math.min(max, min * Math.pow(2, Math.min(attempt - 1, 62)));
        long jitter = (long) (delay * 0.5);
        if (jitter > 0) {
            delay += random.nextLong(jitter * 2 + 1) - jitter;
        }
        return (long) Math.max(min, Math.min(max, delay));
    }

    /**
     * The message type a {@code Content-Type} names: {@link #RW1_PROTO} or {@link #RW2_PROTO}.
     *
     * @throws IllegalArgumentException (a 415) for another media type, a malformed parameter or an unknown proto
     */
    static String protoOf(String contentType) {
        if (contentType.isBlank()) {
            return RW1_PROTO;
        }
        String[] parts = contentType.split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/x-protobuf")) {
            throw new IllegalArgumentException("unsupported Content-Type \"" + contentType + "\": expected application/x-protobuf, with proto="
                    + RW1_PROTO + " (remote write 1.0, the default) or proto=" + RW2_PROTO + " (remote write 2.0)");
        }
        String proto = RW1_PROTO;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("unsupported Content-Type \"" + contentType + "\": parameter \"" + parameter + "\" is not key=value");
            }
            if (parameter.substring(0, equals).trim().equalsIgnoreCase("proto")) {
                proto = parameter.substring(equals + 1).trim();
            }
        }
        if (!proto.equals(RW1_PROTO) && !proto.equals(RW2_PROTO)) {
            throw new IllegalArgumentException("unsupported Content-Type \"" + contentType + "\": unknown proto \"" + proto + "\"; this receiver accepts "
                    + RW1_PROTO + " and " + RW2_PROTO);
        }
        return proto;
    }

    HttpResponse haTrackerPage() {
        HaTracker tracker = distributor.haTracker();
        Instant now = clock.instant();
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html>
                <head><meta charset="UTF-8"><title>Cortex HA Tracker Status</title></head>
                <body>
                <h1>Cortex HA Tracker Status</h1>
                """);
        html.append("<p>Current time: ").append(now).append("</p>\n");
        if (!distributor.config().haTrackerEnabled()) {
            html.append("<p>HA tracker is disabled (-distributor.ha-tracker.enable=false).</p>\n");
        }
        html.append("<table border=\"1\">\n<thead><tr><th>User ID</th><th>Cluster</th><th>Replica</th><th>Elected Time</th>"
                + "<th>Time Until Update</th><th>Time Until Failover</th></tr></thead>\n<tbody>\n");
        Map<String, String> cache = new HashMap<>();
        for (HaTracker.Election election : tracker.elections()) {
            var limits = overrides.forTenant(election.tenant());
            Duration untilUpdate = Duration.between(now, election.receivedAt().plus(limits.haTrackerUpdateTimeout()));
            Duration untilFailover = Duration.between(now, election.receivedAt().plus(limits.haTrackerFailoverTimeout()));
            html.append("<tr><td>").append(escape(election.tenant(), cache)).append("</td><td>").append(escape(election.cluster(), cache))
                    .append("</td><td>").append(escape(election.replica(), cache)).append("</td><td>").append(election.electedAt())
                    .append("</td><td>").append(seconds(untilUpdate)).append("</td><td>").append(seconds(untilFailover)).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</body>\n</html>\n");
        return HttpResponse.ok(HttpResponse.HTML, html.toString());
    }

    private static String seconds(Duration duration) {
        return Math.max(0, duration.toSeconds()) + "s";
    }

    private static String escape(String text, Map<String, String> cache) {
        return cache.computeIfAbsent(text, t -> t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;"));
    }
}
