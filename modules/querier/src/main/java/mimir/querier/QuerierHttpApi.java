package mimir.querier;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.promql.api.ApiJson;
import mimir.promql.api.ErrorType;
import mimir.promql.engine.QueryException;
import mimir.querier.api.ApiException;
import mimir.querier.api.CardinalityApi;
import mimir.querier.api.PrometheusApi;
import mimir.querier.api.QueryContext;
import mimir.querier.api.RemoteReadApi;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;

/**
 * The querier's one request handler ({@link HttpRequest} in, {@link HttpResponse} out), used both by
 * the HTTP routes (when no query-frontend runs in this process) and by the querier workers (requests
 * the query-frontend sent through the query-scheduler), so both paths answer byte for byte alike.
 *
 * <p>Paths are Prometheus's under {@code -http.prometheus-http-prefix} (the prefix may also be left
 * off by an internal caller); API failures are Prometheus's JSON error envelope, cardinality failures
 * Mimir's plain-text 400s, and unexpected failures a 500 {@code internal} error, never an unhandled
 * exception.
 */
final class QuerierHttpApi {
    private static final System.Logger LOG = System.getLogger(QuerierHttpApi.class.getName());

    static final String USER_STATS = "/api/v1/user_stats";
    private static final String GET = "GET";
    private static final String POST = "POST";
    /** API paths and the methods Prometheus accepts for each. */
    private static final Map<String, Set<String>> ENDPOINTS = Map.ofEntries(
            Map.entry("/api/v1/query", Set.of(GET, POST)),
            Map.entry("/api/v1/query_range", Set.of(GET, POST)),
            Map.entry("/api/v1/series", Set.of(GET, POST)),
            Map.entry("/api/v1/labels", Set.of(GET, POST)),
            Map.entry("/api/v1/metadata", Set.of(GET)),
            Map.entry("/api/v1/query_exemplars", Set.of(GET, POST)),
            Map.entry("/api/v1/format_query", Set.of(GET, POST)),
            Map.entry("/api/v1/read", Set.of(POST)),
            Map.entry("/api/v1/cardinality/label_names", Set.of(GET, POST)),
            Map.entry("/api/v1/cardinality/label_values", Set.of(GET, POST)),
            Map.entry("/api/v1/cardinality/active_series", Set.of(GET, POST)));
    private static final String LABEL_VALUES_PREFIX = "/api/v1/label/";
    private static final String LABEL_VALUES_SUFFIX = "/values";

    private final QuerierConfig config;
    private final PrometheusApi prometheus;
    private final CardinalityApi cardinality;
    private final RemoteReadApi remoteRead;
    private final UserStatsApi userStats;

    QuerierHttpApi(QuerierConfig config, PrometheusApi prometheus, CardinalityApi cardinality, RemoteReadApi remoteRead, UserStatsApi userStats) {
        this.config = requireNonNull(config, "config is null");
        this.prometheus = requireNonNull(prometheus, "prometheus is null");
        this.cardinality = requireNonNull(cardinality, "cardinality is null");
        this.remoteRead = requireNonNull(remoteRead, "remoteRead is null");
        this.userStats = requireNonNull(userStats, "userStats is null");
    }

    /** Registers the Prometheus API (and cardinality) routes under the prefix. */
    void registerPrometheusRoutes(HttpRoutes routes) {
        String prefix = prefix();
        for (Map.Entry<String, Set<String>> endpoint : ENDPOINTS.entrySet()) {
            routes.register(prefix + endpoint.getKey(), Auth.FEDERATED_TENANT, null, this::handleRoute,
                    endpoint.getValue().toArray(String[]::new));
        }
        routes.register(prefix + LABEL_VALUES_PREFIX + "*", Auth.FEDERATED_TENANT, null, this::handleRoute, GET);
    }

    /** Registers {@code /api/v1/user_stats}, which the querier serves whether or not a query-frontend runs here. */
    void registerUserStatsRoute(HttpRoutes routes) {
        routes.register(USER_STATS, Auth.TENANT, "Tenant ingestion statistics", this::handleRoute, GET);
    }

    private String prefix() {
        String prefix = config.prometheusPrefix();
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    private HttpResponse handleRoute(HttpRequest request) {
        return handle(request, request.requireTenant(), QueryContext.background());
    }

    /**
     * Executes one request of {@code tenantHeader} (one tenant, or {@code |}-joined tenants of a
     * federated query), cancellable through {@code context}.
     */
    HttpResponse handle(HttpRequest request, String tenantHeader, QueryContext context) {
        String path = request.path();
        if (path.equals(USER_STATS)) {
            return userStats.handle(tenantHeader);
        }
        String prefix = prefix();
        String endpoint = !prefix.isEmpty() && path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
        Set<String> methods = ENDPOINTS.get(endpoint);
        String labelName = null;
        if (methods == null && endpoint.startsWith(LABEL_VALUES_PREFIX) && endpoint.endsWith(LABEL_VALUES_SUFFIX)
                && endpoint.length() > LABEL_VALUES_PREFIX.length() + LABEL_VALUES_SUFFIX.length()) {
            labelName = endpoint.substring(LABEL_VALUES_PREFIX.length(), endpoint.length() - LABEL_VALUES_SUFFIX.length());
            if (!labelName.contains("/")) {
                methods = Set.of(GET);
            }
        }
        if (methods == null) {
            return HttpResponse.text(404, "404 page not found\n");
        }
        if (!methods.contains(request.method())) {
            return HttpResponse.text(405, "method " + request.method() + " not allowed\n");
        }
        try {
            List<String> tenants = tenants(tenantHeader);
            if (labelName != null) {
                return ok(prometheus.labelValues(labelName, request, tenants, context));
            }
            return switch (endpoint) {
                case "/api/v1/query" -> ok(prometheus.query(request, tenants, context));
                case "/api/v1/query_range" -> ok(prometheus.queryRange(request, tenants, context));
                case "/api/v1/series" -> ok(prometheus.series(request, tenants, context));
                case "/api/v1/labels" -> ok(prometheus.labels(request, tenants, context));
                case "/api/v1/metadata" -> ok(prometheus.metadata(request, tenants));
                case "/api/v1/query_exemplars" -> ok(prometheus.queryExemplars(request, tenants));
                case "/api/v1/format_query" -> ok(prometheus.formatQuery(request));
                case "/api/v1/read" -> remoteRead.handle(request, tenants, context);
                case "/api/v1/cardinality/label_names" -> cardinality.labelNames(request, tenants);
                case "/api/v1/cardinality/label_values" -> cardinality.labelValues(request, tenants);
                case "/api/v1/cardinality/active_series" -> cardinality.activeSeries(request, tenants, context);
                default -> HttpResponse.text(404, "404 page not found\n");
            };
        }
        catch (ApiException e) {
            return error(e.errorType(), e.getMessage());
        }
        catch (QueryException e) {
            return error(e.errorType(), e.getMessage());
        }
        catch (HttpException e) {
            return HttpResponse.text(e.status(), e.getMessage() + "\n");
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "querier request failed path=" + path + " err=\"" + e + "\"", e);
            return error(ErrorType.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

    /** The request's tenants, checked against {@code -tenant-federation.enabled} and {@code -tenant-federation.max-tenants}. */
    private List<String> tenants(String header) {
        List<String> tenants = List.of(header.split("\\|"));
        if (tenants.size() > 1) {
            if (!config.federationEnabled()) {
                throw new HttpException(400, "multiple tenant IDs present; set -tenant-federation.enabled=true to query several tenants");
            }
            if (config.maxTenants() > 0 && tenants.size() > config.maxTenants()) {
                throw ApiException.badData("too many tenant IDs present. max: " + config.maxTenants() + " actual: " + tenants.size());
            }
        }
        return tenants.stream().distinct().sorted().toList();
    }

    private static HttpResponse ok(String json) {
        return new HttpResponse(200, HttpResponse.JSON, Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse error(ErrorType type, String message) {
        return HttpResponse.json(type.httpStatus(), ApiJson.error(type, message, List.of(), List.of()));
    }
}
