package mimir.core;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import mimir.core.config.LoadedConfig;
import mimir.core.graph.CoreGraph;
import mimir.core.json.Json;
import mimir.core.modules.ModuleGraphReport;
import mimir.core.modules.ServiceManager;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.service.ServiceState;

/** The endpoints every Mimir process serves, whatever its target. */
final class CoreHttpApi {
    private final CoreGraph graph;
    private final BuildInfo buildInfo;
    private final Supplier<ServiceManager> services;
    private final Supplier<ModuleGraphReport> report;

    CoreHttpApi(CoreGraph graph, BuildInfo buildInfo, Supplier<ServiceManager> services, Supplier<ModuleGraphReport> report) {
        this.graph = requireNonNull(graph, "graph is null");
        this.buildInfo = requireNonNull(buildInfo, "buildInfo is null");
        this.services = requireNonNull(services, "services is null");
        this.report = requireNonNull(report, "report is null");
    }

    void registerCommonRoutes() {
        var routes = graph.routeTable();
        routes.register("/", Auth.NONE, null, this::index, "GET");
        routes.register("/config", Auth.NONE, "Current config (?mode=diff for non-defaults, ?mode=defaults)", this::config, "GET");
        routes.register("/ready", Auth.NONE, "Readiness: 200 when every service is Running", this::ready, "GET");
        routes.register("/services", Auth.NONE, "Service status", this::services, "GET");
        routes.register("/metrics", Auth.NONE, "Metrics", r -> new HttpResponse(200, "text/plain; version=0.0.4; charset=utf-8", Map.of(),
                graph.prometheusRegistry().scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)), "GET");
        routes.register("/debug/modules", Auth.NONE, "Module graph: modules, JPMS modules, providers, plugins (?format=text|dot|json)",
                this::modules, "GET");
        String buildInfoPath = "/api/v1/status/buildinfo";
        routes.register(buildInfoPath, Auth.NONE, "Build information", this::buildInfo, "GET");
        String prefix = graph.serverConfig().prometheusHttpPrefix();
        if (!prefix.isEmpty()) {
            routes.register(prefix + buildInfoPath, Auth.NONE, null, this::buildInfo, "GET");
        }
    }

    void registerRuntimeConfigRoutes() {
        graph.routeTable().register("/runtime_config", Auth.NONE, "Current runtime config (?mode=diff for differences from defaults)",
                r -> HttpResponse.ok(HttpResponse.YAML, graph.runtimeConfigManager().renderYaml("diff".equals(r.param("mode").orElse("")))), "GET");
    }

    void registerOverridesRoutes() {
        graph.routeTable().register("/api/v1/user_limits", Auth.TENANT, "The tenant's effective limits (needs X-Scope-OrgID)",
                r -> HttpResponse.json(200, Json.write(graph.overrides().forTenant(r.requireTenant()).toYamlMap())), "GET");
    }

    private HttpResponse index(HttpRequest request) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Grafana Mimir</title></head><body>\n<h1>Grafana Mimir</h1>\n");
        html.append("<p>Version ").append(escape(buildInfo.version())).append("</p>\n<ul>\n");
        for (var route : graph.routeTable().describedRoutes()) {
            html.append("<li><a href=\"").append(escape(route.path())).append("\">").append(escape(route.path())).append("</a> ")
                    .append(escape(route.description())).append("</li>\n");
        }
        return HttpResponse.ok(HttpResponse.HTML, html.append("</ul>\n</body></html>\n").toString());
    }

    private HttpResponse config(HttpRequest request) {
        LoadedConfig.Mode mode = switch (request.param("mode").orElse("")) {
            case "" -> LoadedConfig.Mode.ALL;
            case "diff" -> LoadedConfig.Mode.DIFF;
            case "defaults" -> LoadedConfig.Mode.DEFAULTS;
            default -> throw new HttpException(400, "unknown value for mode query parameter: " + request.param("mode").get()
                    + " (supported: diff, defaults)");
        };
        return HttpResponse.ok(HttpResponse.YAML, graph.loadedConfig().renderYaml(mode));
    }

    private HttpResponse ready(HttpRequest request) {
        ServiceManager manager = services.get();
        if (manager != null && manager.allRunning()) {
            return HttpResponse.text(200, "ready\n");
        }
        StringBuilder body = new StringBuilder("Some services are not Running:\n");
        if (manager == null) {
            body.append("New: all\n");
        }
        else {
            for (Map.Entry<ServiceState, Integer> entry : manager.stateCounts().entrySet()) {
                if (entry.getKey() != ServiceState.RUNNING) {
                    body.append(entry.getKey().displayName()).append(": ").append(entry.getValue()).append('\n');
                }
            }
        }
        return HttpResponse.text(503, body.toString());
    }

    private HttpResponse services(HttpRequest request) {
        ServiceManager manager = services.get();
        if (request.param("format").orElse("").equals("json")) {
            Map<String, Object> states = new LinkedHashMap<>();
            if (manager != null) {
                manager.services().forEach(m -> states.put(m.name(), m.state().displayName()));
            }
            return HttpResponse.json(200, Json.write(states));
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Services</title></head><body>\n<h1>Services</h1>\n"
                + "<table border=\"1\">\n<tr><th>Service</th><th>Status</th></tr>\n");
        if (manager != null) {
            for (ServiceManager.Managed managed : manager.services()) {
                html.append("<tr><td>").append(escape(managed.name())).append("</td><td>").append(managed.state().displayName()).append("</td></tr>\n");
            }
        }
        return HttpResponse.ok(HttpResponse.HTML, html.append("</table>\n</body></html>\n").toString());
    }

    private HttpResponse modules(HttpRequest request) {
        ModuleGraphReport graphReport = report.get();
        return switch (request.param("format").orElse("json")) {
            case "json" -> HttpResponse.json(200, graphReport.json());
            case "text" -> HttpResponse.ok(HttpResponse.TEXT, graphReport.text());
            case "dot" -> HttpResponse.ok("text/vnd.graphviz; charset=utf-8", graphReport.dot());
            default -> throw new HttpException(400, "unknown format " + request.param("format").get() + " (supported: text, dot, json)");
        };
    }

    private HttpResponse buildInfo(HttpRequest request) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("status", "success");
        envelope.put("data", buildInfo.buildInfoData());
        return HttpResponse.json(200, Json.write(envelope));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
