package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import mimir.alertmanager.TenantAlertmanager.AlertStatus;
import mimir.alertmanager.TenantAlertmanager.SilenceException;
import mimir.alertmanager.config.AmConfig.Receiver;
import mimir.alertmanager.dispatch.Dispatcher;
import mimir.alertmanager.dispatch.Webhook;
import mimir.alertmanager.model.Alert;
import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.Silence;
import mimir.model.LabelNames;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.limits.Limits;

/**
 * Prometheus Alertmanager's v2 API for each tenant under {@code -http.alertmanager-http-prefix}:
 * {@code /api/v2/alerts} (GET with {@code filter}, {@code active}, {@code silenced}, {@code inhibited},
 * {@code receiver}; POST), {@code /api/v2/alerts/groups}, {@code /api/v2/silences} (GET with
 * {@code filter}; POST creates or updates), {@code /api/v2/silence/{id}} (GET, DELETE expires),
 * {@code /api/v2/status} and {@code /api/v2/receivers}, encoded as Alertmanager's OpenAPI spec
 * defines them, so {@code amtool} and Grafana work unchanged.
 */
final class AlertmanagerApi {
    private static final JsonFactory JSON = new JsonFactory();

    private final MultitenantAlertmanager alertmanager;
    private final Overrides overrides;
    private final Clock clock;
    private final AlertmanagerMetrics metrics;

    AlertmanagerApi(MultitenantAlertmanager alertmanager, Overrides overrides, Clock clock, AlertmanagerMetrics metrics) {
        this.alertmanager = requireNonNull(alertmanager, "alertmanager is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    private String base() {
        return alertmanager.config().prefix() + "/api/v2";
    }

    void register(HttpRoutes routes) {
        routes.register(base() + "/*", Auth.TENANT, "Alertmanager API (v2)", this::handle, "GET", "POST", "DELETE");
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static HttpResponse json(int status, Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HttpResponse.json(status, out.toString());
    }

    /** An error as the API's handlers answer it: a JSON string. */
    private static HttpResponse error(int status, String message) {
        return json(status, json -> json.writeString(message));
    }

    HttpResponse handle(HttpRequest request) {
        String path = request.path().substring(base().length());
        Optional<TenantAlertmanager> tenant;
        try {
            tenant = alertmanager.forTenant(request.requireTenant());
        }
        catch (IOException e) {
            return error(500, "alertmanager storage failed: " + e.getMessage());
        }
        if (tenant.isEmpty()) {
            return HttpResponse.text(412, "the Alertmanager is not configured\n");
        }
        TenantAlertmanager am = tenant.get();
        try {
            return switch (request.method() + " " + path) {
                case "GET /status" -> status(am);
                case "GET /receivers" -> json(200, json -> {
                    json.writeStartArray();
                    for (Receiver receiver : am.config().receivers()) {
                        json.writeStartObject();
                        json.writeStringField("name", receiver.name());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                });
                case "GET /alerts" -> getAlerts(am, request);
                case "POST /alerts" -> postAlerts(am, request);
                case "GET /alerts/groups" -> groups(am, request);
                case "GET /silences" -> getSilences(am, request);
                case "POST /silences" -> postSilence(am, request);
                default -> {
                    if (path.startsWith("/silence/") && path.length() > "/silence/".length()) {
                        String id = path.substring("/silence/".length());
                        if (request.method().equals("GET")) {
                            Silence silence = am.silence(id);
                            yield silence == null ? error(404, "silence " + id + " not found") : json(200, json -> silence(json, silence));
                        }
                        if (request.method().equals("DELETE")) {
                            am.expireSilence(id);
                            yield new HttpResponse(200, HttpResponse.JSON, Map.of(), new byte[0]);
                        }
                    }
                    yield error(404, "path " + request.path() + " was not found");
                }
            };
        }
        catch (SilenceException e) {
            return error(e.status, e.getMessage());
        }
        catch (BadRequest e) {
            return error(400, e.getMessage());
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private HttpResponse status(TenantAlertmanager am) {
        return json(200, json -> {
            json.writeStartObject();
            json.writeObjectFieldStart("cluster");
            json.writeStringField("name", am.tenant());
            json.writeArrayFieldStart("peers");
            json.writeEndArray();
            json.writeStringField("status", "disabled");
            json.writeEndObject();
            json.writeObjectFieldStart("config");
            json.writeStringField("original", am.config().original());
            json.writeEndObject();
            json.writeStringField("uptime", am.started().toString());
            json.writeObjectFieldStart("versionInfo");
            for (String field : List.of("branch", "buildDate", "buildUser", "goVersion", "revision")) {
                json.writeStringField(field, "");
            }
            json.writeStringField("version", "mimir-jvm");
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    private static List<AmMatcher> filters(HttpRequest request) {
        List<AmMatcher> matchers = new ArrayList<>();
        for (String filter : request.queryParams().getOrDefault("filter", List.of())) {
            try {
                matchers.addAll(AmMatcher.parse(filter));
            }
            catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
        }
        return matchers;
    }

    private static boolean flag(HttpRequest request, String name) {
        return request.param(name).map(v -> !v.equalsIgnoreCase("false")).orElse(true);
    }

    private static Pattern receiverFilter(HttpRequest request) {
        Optional<String> receiver = request.param("receiver");
        if (receiver.isEmpty() || receiver.get().isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile("^(?:" + receiver.get() + ")$");
        }
        catch (PatternSyntaxException e) {
            throw new BadRequest("failed to parse receiver param: " + e.getMessage());
        }
    }

    private static boolean keep(AlertStatus status, List<AmMatcher> filters, HttpRequest request, Pattern receiver) {
        if (!AmMatcher.all(filters, status.alert().labels())) {
            return false;
        }
        if (receiver != null && status.receivers().stream().noneMatch(r -> receiver.matcher(r).matches())) {
            return false;
        }
        boolean silenced = !status.silencedBy().isEmpty();
        boolean inhibited = !status.inhibitedBy().isEmpty();
        boolean active = status.state().equals("active");
        return (flag(request, "active") || !active) && (flag(request, "silenced") || !silenced) && (flag(request, "inhibited") || !inhibited);
    }

    private HttpResponse getAlerts(TenantAlertmanager am, HttpRequest request) {
        List<AmMatcher> filters = filters(request);
        Pattern receiver = receiverFilter(request);
        List<AlertStatus> alerts = new ArrayList<>(am.alerts());
        alerts.removeIf(status -> !keep(status, filters, request, receiver));
        alerts.sort(Comparator.comparing(s -> s.alert().fingerprintHex()));
        return json(200, json -> {
            json.writeStartArray();
            for (AlertStatus status : alerts) {
                alert(json, status);
            }
            json.writeEndArray();
        });
    }

    private static void alert(JsonGenerator json, AlertStatus status) throws IOException {
        Alert alert = status.alert();
        json.writeStartObject();
        map(json, "annotations", alert.annotations());
        json.writeStringField("endsAt", Webhook.time(alert.endsAt()));
        json.writeStringField("fingerprint", alert.fingerprintHex());
        json.writeArrayFieldStart("receivers");
        for (String receiver : status.receivers()) {
            json.writeStartObject();
            json.writeStringField("name", receiver);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("startsAt", Webhook.time(alert.startsAt()));
        json.writeObjectFieldStart("status");
        strings(json, "inhibitedBy", status.inhibitedBy());
        strings(json, "mutedBy", status.mutedBy());
        strings(json, "silencedBy", status.silencedBy());
        json.writeStringField("state", status.state());
        json.writeEndObject();
        json.writeStringField("updatedAt", Webhook.time(alert.updatedAt()));
        if (!alert.generatorUrl().isEmpty()) {
            json.writeStringField("generatorURL", alert.generatorUrl());
        }
        map(json, "labels", alert.labels());
        json.writeEndObject();
    }

    private static void map(JsonGenerator json, String field, Map<String, String> values) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : values.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static long time(Map<?, ?> node, String field) {
        Object value = node.get(field);
        if (value == null || value.toString().isEmpty()) {
            return 0;
        }
        try {
            return OffsetDateTime.parse(value.toString()).toInstant().toEpochMilli();
        }
        catch (DateTimeParseException e) {
            throw new BadRequest(field + " in body must be of type date-time: \"" + value + "\"");
        }
    }

    private static Map<String, String> stringMap(Map<?, ?> node, String field) {
        Map<String, String> result = new LinkedHashMap<>();
        Object value = node.get(field);
        if (value == null) {
            return result;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadRequest(field + " in body must be of type object");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw new BadRequest(field + "." + entry.getKey() + " in body must be of type string");
            }
            result.put(entry.getKey().toString(), text);
        }
        return result;
    }

    private static String string(Map<?, ?> node, String field) {
        Object value = node.get(field);
        return value == null ? "" : value.toString();
    }

    private static Object body(HttpRequest request) {
        try {
            return JsonTree.read(request.body());
        }
        catch (IOException e) {
            throw new BadRequest("parsing body failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private HttpResponse postAlerts(TenantAlertmanager am, HttpRequest request) {
        if (!(body(request) instanceof List<?> body)) {
            throw new BadRequest("alerts in body must be of type array");
        }
        long now = clock.millis();
        Limits limits = overrides.forTenant(am.tenant());
        List<Alert> valid = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Object element : body) {
            if (!(element instanceof Map<?, ?> node)) {
                throw new BadRequest("alerts in body must be of type object");
            }
            Map<String, String> labels = stringMap(node, "labels");
            Map<String, String> annotations = stringMap(node, "annotations");
            long startsAt = time(node, "startsAt");
            long endsAt = time(node, "endsAt");
            String generatorUrl = string(node, "generatorURL");
            if (startsAt == 0) {
                startsAt = endsAt != 0 && endsAt < now ? endsAt : now;
            }
            if (endsAt == 0) {
                endsAt = now + am.config().resolveTimeout().toMillis();
            }
            String error = validate(labels, annotations, startsAt, endsAt);
            if (error != null) {
                errors.add(error);
                continue;
            }
            valid.add(Alert.of(labels, annotations, startsAt, endsAt, now, generatorUrl));
        }
        int maxAlerts = limits.alertmanagerMaxAlertsCount();
        if (maxAlerts > 0 && am.alertCount() + valid.size() > maxAlerts) {
            metrics.received(am.tenant(), body.size(), body.size());
            throw new BadRequest("alerts limit reached: " + maxAlerts + " (alertmanager_max_alerts_count)");
        }
        am.receive(valid);
        metrics.received(am.tenant(), body.size(), errors.size());
        if (!errors.isEmpty()) {
            throw new BadRequest(String.join(";", errors));
        }
        return new HttpResponse(200, HttpResponse.JSON, Map.of(), new byte[0]);
    }

    private static String validate(Map<String, String> labels, Map<String, String> annotations, long startsAt, long endsAt) {
        if (labels.isEmpty()) {
            return "at least one label pair required";
        }
        for (String name : labels.keySet()) {
            if (!LabelNames.isValidLabelName(name)) {
                return "invalid label set: invalid name \"" + name + "\"";
            }
        }
        for (String name : annotations.keySet()) {
            if (!LabelNames.isValidLabelName(name)) {
                return "invalid annotations: invalid name \"" + name + "\"";
            }
        }
        if (endsAt < startsAt) {
            return "start time must be before end time";
        }
        return null;
    }

    private HttpResponse groups(TenantAlertmanager am, HttpRequest request) {
        List<AmMatcher> filters = filters(request);
        Pattern receiver = receiverFilter(request);
        List<Dispatcher.Group> groups = am.groups();
        long now = clock.millis();
        return json(200, json -> {
            json.writeStartArray();
            for (Dispatcher.Group group : groups) {
                if (receiver != null && !receiver.matcher(group.route().receiver()).matches()) {
                    continue;
                }
                List<AlertStatus> alerts = new ArrayList<>();
                for (Alert alert : group.alerts()) {
                    if (alert.resolvedAt(now)) {
                        continue;
                    }
                    AlertStatus status = am.statusOf(alert);
                    if (keep(status, filters, request, null)) {
                        alerts.add(status);
                    }
                }
                if (alerts.isEmpty()) {
                    continue;
                }
                json.writeStartObject();
                json.writeArrayFieldStart("alerts");
                for (AlertStatus status : alerts) {
                    alert(json, status);
                }
                json.writeEndArray();
                map(json, "labels", group.groupLabels());
                json.writeObjectFieldStart("receiver");
                json.writeStringField("name", group.route().receiver());
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    private HttpResponse getSilences(TenantAlertmanager am, HttpRequest request) {
        List<AmMatcher> filters = filters(request);
        long now = clock.millis();
        List<Silence> silences = new ArrayList<>();
        for (Silence silence : am.silences()) {
            // A filter keeps the silences having an equal matcher for each filter matcher, as Alertmanager's API does.
            boolean matches = true;
            for (AmMatcher filter : filters) {
                boolean found = false;
                for (AmMatcher matcher : silence.matchers()) {
                    if (matcher.name().equals(filter.name()) && filter.matches(matcher.value())) {
                        found = true;
                        break;
                    }
                }
                matches &= found;
            }
            if (matches) {
                silences.add(silence);
            }
        }
        // Alertmanager's order: active by end, pending by start, then expired, most recent first.
        silences.sort(Comparator.comparingInt((Silence s) -> switch (s.state(now)) {
            case ACTIVE -> 0;
            case PENDING -> 1;
            case EXPIRED -> 2;
        }).thenComparingLong(s -> switch (s.state(now)) {
            case ACTIVE -> s.endsAt();
            case PENDING -> s.startsAt();
            case EXPIRED -> -s.endsAt();
        }));
        return json(200, json -> {
            json.writeStartArray();
            for (Silence silence : silences) {
                silence(json, silence);
            }
            json.writeEndArray();
        });
    }

    private void silence(JsonGenerator json, Silence silence) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", silence.id());
        json.writeObjectFieldStart("status");
        json.writeStringField("state", silence.state(clock.millis()).apiName());
        json.writeEndObject();
        json.writeStringField("updatedAt", Webhook.time(silence.updatedAt()));
        json.writeStringField("comment", silence.comment());
        json.writeStringField("createdBy", silence.createdBy());
        json.writeStringField("endsAt", Webhook.time(silence.endsAt()));
        json.writeArrayFieldStart("matchers");
        for (AmMatcher matcher : silence.matchers()) {
            json.writeStartObject();
            json.writeBooleanField("isEqual", matcher.type().isEqual());
            json.writeBooleanField("isRegex", matcher.type().isRegex());
            json.writeStringField("name", matcher.name());
            json.writeStringField("value", matcher.value());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("startsAt", Webhook.time(silence.startsAt()));
        json.writeEndObject();
    }

    private HttpResponse postSilence(TenantAlertmanager am, HttpRequest request) throws SilenceException {
        if (!(body(request) instanceof Map<?, ?> body)) {
            throw new BadRequest("silence in body must be of type object");
        }
        for (String required : List.of("comment", "createdBy", "startsAt", "endsAt", "matchers")) {
            if (body.get(required) == null) {
                throw new BadRequest(required + " in body is required");
            }
        }
        if (!(body.get("matchers") instanceof List<?> matcherList)) {
            throw new BadRequest("matchers in body must be of type array");
        }
        List<AmMatcher> matchers = new ArrayList<>();
        for (Object element : matcherList) {
            if (!(element instanceof Map<?, ?> matcher)) {
                throw new BadRequest("matchers in body must be of type object");
            }
            String name = string(matcher, "name");
            if (!LabelNames.isValidLabelName(name)) {
                throw new SilenceException(400, "silence invalid: invalid label matcher 0: invalid label name \"" + name + "\"");
            }
            boolean regex = Boolean.TRUE.equals(matcher.get("isRegex"));
            boolean equal = !Boolean.FALSE.equals(matcher.get("isEqual"));
            AmMatcher.Type type = regex ? (equal ? AmMatcher.Type.REGEX : AmMatcher.Type.NOT_REGEX) : (equal ? AmMatcher.Type.EQUAL : AmMatcher.Type.NOT_EQUAL);
            try {
                matchers.add(AmMatcher.of(type, name, string(matcher, "value")));
            }
            catch (IllegalArgumentException e) {
                throw new SilenceException(400, "silence invalid: " + e.getMessage());
            }
        }
        Silence silence = new Silence(string(body, "id"), matchers, time(body, "startsAt"), time(body, "endsAt"), clock.millis(),
                string(body, "createdBy"), string(body, "comment"));
        String id = am.setSilence(silence, overrides.forTenant(am.tenant()).alertmanagerMaxSilencesCount());
        return json(200, json -> {
            json.writeStartObject();
            json.writeStringField("silenceID", id);
            json.writeEndObject();
        });
    }
}
