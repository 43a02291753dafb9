package mimir.ruler;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.ruler.rules.RuleGroupDefinition;
import mimir.ruler.rules.RuleGroupException;
import mimir.ruler.rules.RuleGroupYaml;
import mimir.ruler.store.RuleStore;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;

/**
 * Mimir's ruler config API under {@code -http.prometheus-http-prefix}: {@code GET /config/v1/rules},
 * {@code GET|POST|DELETE /config/v1/rules/{namespace}}, {@code GET|DELETE /config/v1/rules/{namespace}/{group}}
 * (YAML in, YAML out, {@code 202} on a change as Mimir answers), and {@code POST /ruler/delete_tenant_config}.
 *
 * <p>A POST body is one rule group (what Mimir's API and cortextool send) or a whole Prometheus rule
 * file ({@code groups:}); either is validated completely, with the tenant's
 * {@code ruler_max_rules_per_rule_group} and {@code ruler_max_rule_groups_per_tenant}, before anything
 * is stored, so a refused request changes nothing.
 */
final class RulerConfigApi {
    private static final System.Logger LOG = System.getLogger(RulerConfigApi.class.getName());
    private static final String YAML = "application/yaml";
    private static final String ACCEPTED = "{\"status\":\"success\",\"data\":null,\"errorType\":\"\",\"error\":\"\"}";

    private final RulerConfig config;
    private final RuleStore store;
    private final Ruler ruler;
    private final Overrides overrides;
    private final RuleGroupYaml parser;

    RulerConfigApi(RulerConfig config, RuleStore store, Ruler ruler, Overrides overrides) {
        this.config = requireNonNull(config, "config is null");
        this.store = requireNonNull(store, "store is null");
        this.ruler = requireNonNull(ruler, "ruler is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.parser = new RuleGroupYaml(ruler.templates()::check);
    }

    private String base() {
        return config.prometheusPrefix() + "/config/v1/rules";
    }

    void register(HttpRoutes routes) {
        routes.register(base(), Auth.TENANT, "Ruler config API: list rule groups", this::handle, "GET");
        routes.register(base() + "/*", Auth.TENANT, null, this::handle, "GET", "POST", "DELETE");
        routes.register("/ruler/delete_tenant_config", Auth.TENANT, null, this::deleteTenant, "POST");
        routes.register("/ruler/rule_groups", Auth.NONE, "Ruler: every tenant's rule groups (YAML)", this::allRuleGroups, "GET");
    }

    HttpResponse handle(HttpRequest request) {
        String tenant = request.requireTenant();
        String rest = request.path().length() > base().length() ? request.path().substring(base().length() + 1) : "";
        int slash = rest.indexOf('/');
        String namespace = slash < 0 ? rest : rest.substring(0, slash);
        Optional<String> group = slash < 0 || slash == rest.length() - 1 ? Optional.empty() : Optional.of(rest.substring(slash + 1));
        try {
            return switch (request.method()) {
                case "GET" -> group.isPresent() ? getGroup(tenant, namespace, group.get()) : list(tenant, namespace);
                case "POST" -> {
                    if (namespace.isEmpty()) {
                        yield error(400, "a namespace must be provided in the request");
                    }
                    if (group.isPresent()) {
                        yield error(405, "method not allowed: POST a rule group to " + base() + "/{namespace}");
                    }
                    yield create(tenant, namespace, new String(request.body(), StandardCharsets.UTF_8));
                }
                case "DELETE" -> {
                    if (namespace.isEmpty()) {
                        yield error(400, "a namespace must be provided in the request");
                    }
                    yield group.isPresent() ? deleteGroup(tenant, namespace, group.get()) : deleteNamespace(tenant, namespace);
                }
                default -> error(405, "method not allowed");
            };
        }
        catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "ruler config API storage failure user=" + tenant + " err=\"" + e + "\"");
            return error(500, "rule storage failed: " + e.getMessage());
        }
    }

    private static HttpResponse error(int status, String message) {
        return HttpResponse.text(status, message + "\n");
    }

    private static HttpResponse accepted() {
        return HttpResponse.json(202, ACCEPTED);
    }

    private HttpResponse list(String tenant, String namespace) throws IOException {
        Map<String, List<RuleGroupDefinition>> groups = store.load(tenant, namespace);
        return HttpResponse.ok(YAML, RuleGroupYaml.formatNamespaces(groups));
    }

    private HttpResponse getGroup(String tenant, String namespace, String group) throws IOException {
        Optional<RuleGroupDefinition> stored = store.get(tenant, namespace, group);
        if (stored.isEmpty()) {
            return error(404, "group does not exist");
        }
        return HttpResponse.ok(YAML, RuleGroupYaml.format(stored.get()));
    }

    private HttpResponse create(String tenant, String namespace, String body) throws IOException {
        List<RuleGroupDefinition> groups;
        try {
            groups = parser.parse(namespace, body);
        }
        catch (RuleGroupException e) {
            return error(400, e.getMessage());
        }
        Limits limits = overrides.forTenant(tenant);
        for (RuleGroupDefinition group : groups) {
            if (!group.sourceTenants().isEmpty()) {
                if (!config.federationEnabled()) {
                    return error(400, "invalid rules configuration: rule group '" + group.name() + "' is a federated rule group, but rules federation "
                            + "is disabled; please contact your service administrator to have it enabled (-tenant-federation.enabled)");
                }
                for (String source : group.sourceTenants()) {
                    try {
                        TenantIds.validate(source);
                    }
                    catch (InvalidTenantIdException e) {
                        return error(400, "invalid rules configuration: rule group '" + group.name() + "' has an invalid source tenant: " + e.getMessage());
                    }
                }
            }
            int maxRules = limits.rulerMaxRulesPerRuleGroup();
            if (maxRules > 0 && group.rules().size() > maxRules) {
                return error(400, "per-user rules per rule group limit (limit: " + maxRules + " actual: " + group.rules().size() + ") exceeded. "
                        + "To adjust the related per-tenant limit, configure -" + LimitsSettings.RULER_MAX_RULES_PER_RULE_GROUP.setting().flag()
                        + ", or contact your service administrator.");
            }
        }
        int maxGroups = limits.rulerMaxRuleGroupsPerTenant();
        if (maxGroups > 0) {
            Map<String, List<String>> existing = store.list(tenant, "");
            int count = 0;
            for (List<String> names : existing.values()) {
                count += names.size();
            }
            List<String> inNamespace = existing.getOrDefault(namespace, List.of());
            for (RuleGroupDefinition group : groups) {
                if (!inNamespace.contains(group.name())) {
                    count++;
                }
            }
            if (count > maxGroups) {
                return error(400, "per-user rule groups limit (limit: " + maxGroups + " actual: " + count + ") exceeded. "
                        + "To adjust the related per-tenant limit, configure -" + LimitsSettings.RULER_MAX_RULE_GROUPS_PER_TENANT.setting().flag()
                        + ", or contact your service administrator.");
            }
        }
        for (RuleGroupDefinition group : groups) {
            store.put(tenant, group);
        }
        ruler.notifySync(tenant);
        return accepted();
    }

    private HttpResponse deleteGroup(String tenant, String namespace, String group) throws IOException {
        if (!store.delete(tenant, namespace, group)) {
            return error(404, "group does not exist");
        }
        ruler.notifySync(tenant);
        return accepted();
    }

    private HttpResponse deleteNamespace(String tenant, String namespace) throws IOException {
        if (!store.deleteNamespace(tenant, namespace)) {
            return error(404, "group namespace does not exist");
        }
        ruler.notifySync(tenant);
        return accepted();
    }

    /** {@code GET /ruler/rule_groups}: every tenant's groups, as Mimir's admin listing ({@code tenant: {namespace: [groups]}}). */
    private HttpResponse allRuleGroups(HttpRequest request) {
        try {
            StringBuilder out = new StringBuilder();
            List<String> tenants = new java.util.ArrayList<>(store.tenants());
            java.util.Collections.sort(tenants);
            for (String tenant : tenants) {
                Map<String, List<RuleGroupDefinition>> groups = store.load(tenant, "");
                if (groups.isEmpty()) {
                    continue;
                }
                out.append(tenant).append(":\n");
                for (String line : RuleGroupYaml.formatNamespaces(groups).split("\n")) {
                    out.append("    ").append(line).append('\n');
                }
            }
            return HttpResponse.ok(YAML, out.isEmpty() ? "{}\n" : out.toString());
        }
        catch (IOException e) {
            return error(500, "rule storage failed: " + e.getMessage());
        }
    }

    private HttpResponse deleteTenant(HttpRequest request) {
        String tenant = request.requireTenant();
        try {
            store.deleteTenant(tenant);
        }
        catch (IOException e) {
            return error(500, "rule storage failed: " + e.getMessage());
        }
        ruler.notifySync(tenant);
        return HttpResponse.json(200, "{\"status\":\"success\",\"data\":null,\"errorType\":\"\",\"error\":\"\"}");
    }
}
