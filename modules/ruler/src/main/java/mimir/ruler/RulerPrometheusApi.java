package mimir.ruler;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

import mimir.gotemplate.GoFormat;
import mimir.model.Labels;
import mimir.promql.api.ApiJson;
import mimir.promql.api.ErrorType;
import mimir.ruler.eval.ActiveAlert;
import mimir.ruler.eval.GroupEvaluator.GroupStatus;
import mimir.ruler.eval.GroupEvaluator.RuleStatus;
import mimir.ruler.RulerGrpc.RenderedGroup;
import mimir.ruler.rules.RuleDefinition;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;

/**
 * Prometheus's {@code GET /api/v1/rules} (filters {@code type}, {@code rule_name[]},
 * {@code rule_group[]}, {@code file[]}, {@code exclude_alerts}, pagination with {@code group_limit}
 * and {@code group_next_token}) and {@code GET /api/v1/alerts} under {@code -http.prometheus-http-prefix},
 * encoded as Prometheus encodes them, with Mimir's {@code sourceTenants} on each group.
 *
 * <p>Both list every group of the tenant whichever ruler answers: this ruler's own, and those of the
 * other rulers of the ring, asked over {@link RulerGrpc#RULES} ({@link RulerPeers}). Each ruler applies
 * the filters to its own groups; this one merges, sorts by namespace then group name, and paginates. If
 * a ruler cannot be asked, the request fails with 500 naming it.
 */
final class RulerPrometheusApi {
    private final RulerConfig config;
    private final Ruler ruler;
    private final RulerPeers peers;

    RulerPrometheusApi(RulerConfig config, Ruler ruler, RulerPeers peers) {
        this.config = requireNonNull(config, "config is null");
        this.ruler = requireNonNull(ruler, "ruler is null");
        this.peers = requireNonNull(peers, "peers is null");
    }

    void register(HttpRoutes routes) {
        routes.register(config.prometheusPrefix() + "/api/v1/rules", Auth.TENANT, "Prometheus API: rules", this::rules, "GET");
        routes.register(config.prometheusPrefix() + "/api/v1/alerts", Auth.TENANT, "Prometheus API: alerts", this::alerts, "GET");
    }

    private static List<String> values(HttpRequest request, String name) {
        List<String> values = new ArrayList<>();
        for (String key : List.of(name + "[]", name)) {
            values.addAll(request.queryParams().getOrDefault(key, List.of()));
        }
        return values;
    }

    private static HttpResponse badData(String message) {
        return HttpResponse.json(400, ApiJson.error(ErrorType.BAD_DATA, message, List.of(), List.of()));
    }

    HttpResponse rules(HttpRequest request) {
        String type = request.param("type").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (!type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
            return badData("not supported value \"" + type + "\"");
        }
        RulerGrpc.Filters filters = new RulerGrpc.Filters(type, new HashSet<>(values(request, "rule_name")), new HashSet<>(values(request, "rule_group")),
                new HashSet<>(values(request, "file")), request.param("exclude_alerts").map(Boolean::parseBoolean).orElse(false));
        int groupLimit = 0;
        if (request.param("group_limit").isPresent()) {
            try {
                groupLimit = Integer.parseInt(request.param("group_limit").get());
            }
            catch (NumberFormatException e) {
                groupLimit = -1;
            }
            if (groupLimit <= 0) {
                return badData("group_limit needs to be greater than 0");
            }
        }
        String nextToken = request.param("group_next_token").orElse("");
        List<RenderedGroup> groups;
        try {
            groups = allGroups(request.requireTenant(), new RulerGrpc.Request(filters, false));
        }
        catch (RulerPeers.PeerException e) {
            return serverError(e);
        }
        StringBuilder out = new StringBuilder("{\"status\":\"success\",\"data\":{\"groups\":[");
        int written = 0;
        boolean foundToken = nextToken.isEmpty();
        String newToken = "";
        for (RenderedGroup group : groups) {
            String token = token(group.namespace(), group.name());
            if (!foundToken) {
                if (!token.equals(nextToken)) {
                    continue;
                }
                foundToken = true;
            }
            if (groupLimit > 0 && written == groupLimit) {
                newToken = token;
                break;
            }
            if (written++ > 0) {
                out.append(',');
            }
            out.append(group.json());
        }
        if (!foundToken) {
            return badData("invalid group_next_token: no group matches \"" + nextToken + "\"");
        }
        out.append(']');
        if (!newToken.isEmpty()) {
            out.append(",\"groupNextToken\":");
            ApiJson.appendString(out, newToken);
        }
        out.append("}}");
        return HttpResponse.json(200, out.toString());
    }

    private static HttpResponse serverError(RulerPeers.PeerException e) {
        return HttpResponse.json(500, ApiJson.error(ErrorType.INTERNAL, e.getMessage(), List.of(), List.of()));
    }

    /** The tenant's groups on every ruler of the ring, sorted by namespace then group name. */
    private List<RenderedGroup> allGroups(String tenant, RulerGrpc.Request request) throws RulerPeers.PeerException {
        List<RenderedGroup> groups = new ArrayList<>(localGroups(tenant, request));
        try {
            groups.addAll(peers.groups(tenant, request));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RulerPeers.PeerException("interrupted while listing the rules of the other rulers", e);
        }
        groups.sort(Comparator.comparing(RenderedGroup::namespace).thenComparing(RenderedGroup::name));
        return groups;
    }

    /**
     * This ruler's own groups of the tenant that pass the filters, rendered: each group's JSON, or with
     * {@code request.alerts()} its alerts' JSON. Also the answer to the other rulers' {@link RulerGrpc#RULES}.
     */
    List<RenderedGroup> localGroups(String tenant, RulerGrpc.Request request) {
        RulerGrpc.Filters filters = request.filters();
        String type = filters.type();
        List<RenderedGroup> result = new ArrayList<>();
        for (GroupStatus group : ruler.statuses(tenant)) {
            if (!filters.files().isEmpty() && !filters.files().contains(group.group().namespace())) {
                continue;
            }
            if (!filters.ruleGroups().isEmpty() && !filters.ruleGroups().contains(group.group().name())) {
                continue;
            }
            List<RuleStatus> rules = new ArrayList<>();
            for (RuleStatus rule : group.rules()) {
                boolean alerting = rule.definition().isAlerting();
                if ((type.equals("alert") && !alerting) || (type.equals("record") && alerting)) {
                    continue;
                }
                if (!filters.ruleNames().isEmpty() && !filters.ruleNames().contains(rule.definition().name())) {
                    continue;
                }
                rules.add(rule);
            }
            boolean filtered = !type.isEmpty() || !filters.ruleNames().isEmpty();
            if (rules.isEmpty() && filtered) {
                continue;
            }
            if (request.alerts()) {
                List<String> alerts = new ArrayList<>();
                for (RuleStatus rule : rules) {
                    for (ActiveAlert.Snapshot alert : rule.alerts()) {
                        StringBuilder out = new StringBuilder();
                        appendAlert(out, alert);
                        alerts.add(out.toString());
                    }
                }
                result.add(new RenderedGroup(group.group().namespace(), group.group().name(), "", alerts));
            }
            else {
                StringBuilder out = new StringBuilder();
                appendGroup(out, group, rules, filters.excludeAlerts());
                result.add(new RenderedGroup(group.group().namespace(), group.group().name(), out.toString(), List.of()));
            }
        }
        return result;
    }

    private static String token(String namespace, String name) {
        return Integer.toHexString((namespace + ";" + name).hashCode());
    }

    HttpResponse alerts(HttpRequest request) {
        List<RenderedGroup> groups;
        try {
            groups = allGroups(request.requireTenant(), new RulerGrpc.Request(RulerGrpc.Filters.NONE, true));
        }
        catch (RulerPeers.PeerException e) {
            return serverError(e);
        }
        StringBuilder out = new StringBuilder("{\"status\":\"success\",\"data\":{\"alerts\":[");
        boolean first = true;
        for (RenderedGroup group : groups) {
            for (String alert : group.alerts()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(alert);
            }
        }
        out.append("]}}");
        return HttpResponse.json(200, out.toString());
    }

    private static void appendGroup(StringBuilder out, GroupStatus group, List<RuleStatus> rules, boolean excludeAlerts) {
        out.append("{\"name\":");
        ApiJson.appendString(out, group.group().name());
        out.append(",\"file\":");
        ApiJson.appendString(out, group.group().namespace());
        out.append(",\"rules\":[");
        for (int i = 0; i < rules.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendRule(out, rules.get(i), excludeAlerts);
        }
        out.append("],\"interval\":").append(seconds(group.intervalMillis()));
        out.append(",\"limit\":").append(group.group().limit());
        out.append(",\"lastEvaluation\":\"").append(goTime(group.lastEvaluation())).append('"');
        out.append(",\"evaluationTime\":").append(GoFormat.print(group.evaluationSeconds()));
        out.append(",\"sourceTenants\":");
        if (group.group().sourceTenants().isEmpty()) {
            out.append("null");
        }
        else {
            out.append('[');
            for (int i = 0; i < group.group().sourceTenants().size(); i++) {
                out.append(i == 0 ? "" : ",");
                ApiJson.appendString(out, group.group().sourceTenants().get(i));
            }
            out.append(']');
        }
        out.append('}');
    }

    private static void appendRule(StringBuilder out, RuleStatus rule, boolean excludeAlerts) {
        RuleDefinition definition = rule.definition();
        out.append('{');
        if (definition.isAlerting()) {
            out.append("\"state\":\"").append(rule.state().apiName()).append("\",");
        }
        out.append("\"name\":");
        ApiJson.appendString(out, definition.name());
        out.append(",\"query\":");
        ApiJson.appendString(out, definition.expr());
        if (definition.isAlerting()) {
            out.append(",\"duration\":").append(seconds(definition.forDuration().toMillis()));
            out.append(",\"keepFiringFor\":").append(seconds(definition.keepFiringFor().toMillis()));
        }
        out.append(",\"labels\":");
        ApiJson.appendLabels(out, Labels.of(definition.labels()));
        if (definition.isAlerting()) {
            out.append(",\"annotations\":");
            ApiJson.appendLabels(out, Labels.of(definition.annotations()));
            if (!excludeAlerts) {
                out.append(",\"alerts\":[");
                for (int i = 0; i < rule.alerts().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendAlert(out, rule.alerts().get(i));
                }
                out.append(']');
            }
        }
        out.append(",\"health\":");
        ApiJson.appendString(out, rule.health());
        if (!rule.lastError().isEmpty()) {
            out.append(",\"lastError\":");
            ApiJson.appendString(out, rule.lastError());
        }
        out.append(",\"evaluationTime\":").append(GoFormat.print(rule.evaluationSeconds()));
        out.append(",\"lastEvaluation\":\"").append(goTime(rule.lastEvaluation())).append('"');
        out.append(",\"type\":\"").append(definition.isAlerting() ? "alerting" : "recording").append("\"}");
    }

    private static void appendAlert(StringBuilder out, ActiveAlert.Snapshot alert) {
        out.append("{\"labels\":");
        ApiJson.appendLabels(out, alert.labels());
        out.append(",\"annotations\":");
        ApiJson.appendLabels(out, alert.annotations());
        out.append(",\"state\":\"").append(alert.state().apiName()).append('"');
        out.append(",\"activeAt\":\"").append(goTime(alert.activeAt())).append('"');
        if (alert.keepFiringSince() != 0) {
            out.append(",\"keepFiringSince\":\"").append(goTime(alert.keepFiringSince())).append('"');
        }
        out.append(",\"value\":");
        ApiJson.appendString(out, GoFormat.formatE(alert.value(), -1, false));
        out.append('}');
    }

    /** Seconds as Go prints a float64 in JSON: {@code 60}, {@code 0.5}. */
    private static String seconds(long millis) {
        return GoFormat.print(millis / 1000.0);
    }

    /** Go's RFC 3339 with nanoseconds, trailing zeros trimmed; the zero time for 0 (never). */
    static String goTime(long millis) {
        if (millis == 0) {
            return "0001-01-01T00:00:00Z";
        }
        return Instant.ofEpochMilli(millis).toString();
    }
}
