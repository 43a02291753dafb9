package mimir.core.server;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpHandler;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * The HTTP routes and the request dispatch shared by every transport: method check, tenant
 * resolution, error mapping and Mimir's {@code cortex_request_duration_seconds} metric.
 */
public final class RouteTable implements HttpRoutes {
    private static final System.Logger LOG = System.getLogger(RouteTable.class.getName());

    /** One registered route. */
    public record Route(String path, boolean prefix, Auth auth, String description, HttpHandler handler, Set<String> methods) {}

    private final Map<String, Route> exact = new ConcurrentHashMap<>();
    private final List<Route> prefixes = new ArrayList<>();
    private final boolean multitenancyEnabled;
    private final String noAuthTenant;
    private final boolean tenantFromBasicAuth;
    private final boolean tenantFederationEnabled;
    private final MeterRegistry meterRegistry;

    public RouteTable(ServerConfig config, MeterRegistry meterRegistry) {
        this.multitenancyEnabled = config.multitenancyEnabled();
        this.noAuthTenant = config.noAuthTenant();
        this.tenantFromBasicAuth = config.tenantFromBasicAuth();
        this.tenantFederationEnabled = config.tenantFederationEnabled();
        this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry is null");
        if (!multitenancyEnabled) {
            TenantIds.validate(noAuthTenant);
        }
    }

    @Override
    public synchronized void register(String path, Auth auth, String description, HttpHandler handler, String... methods) {
        requireNonNull(path, "path is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(handler, "handler is null");
        if (methods.length == 0) {
            throw new IllegalArgumentException("no methods for " + path);
        }
        boolean prefix = path.endsWith("/*");
        String key = prefix ? path.substring(0, path.length() - 1) : path;
        Route route = new Route(key, prefix, auth, description, handler, Set.of(methods));
        if (prefix) {
            if (prefixes.stream().anyMatch(r -> r.path.equals(key))) {
                throw new IllegalArgumentException("HTTP route already registered: " + path);
            }
            prefixes.add(route);
            prefixes.sort(Comparator.comparingInt((Route r) -> r.path.length()).reversed());
        }
        else if (exact.putIfAbsent(key, route) != null) {
            throw new IllegalArgumentException("HTTP route already registered: " + path);
        }
    }

    /** The routes with a description, sorted by path, for the index page. */
    public synchronized List<Route> describedRoutes() {
        List<Route> all = new ArrayList<>(exact.values());
        all.addAll(prefixes);
        return all.stream().filter(r -> r.description != null).sorted(Comparator.comparing(Route::path)).toList();
    }

    /**
     * Handles a request whose tenant is not yet resolved.
     *
     * @param request a request with an empty tenant
     */
    public HttpResponse dispatch(HttpRequest request) {
        long start = System.nanoTime();
        Route route = find(request.path());
        HttpResponse response;
        if (route == null) {
            response = HttpResponse.text(404, "404 page not found\n");
        }
        else if (!route.methods.contains(request.method()) && !(request.method().equals("HEAD") && route.methods.contains("GET"))) {
            response = new HttpResponse(405, HttpResponse.TEXT, Map.of("Allow", String.join(", ", route.methods)),
                    ("method " + request.method() + " not allowed\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        else {
            response = invoke(route, request);
        }
        String routeName = route == null ? "notfound" : routeName(route.path);
        Timer.builder("cortex_request_duration_seconds")
                .description("Time (in seconds) spent serving HTTP requests.")
                .tag("method", request.method())
                .tag("route", routeName)
                .tag("status_code", Integer.toString(response.status()))
                .tag("ws", "false")
                .register(meterRegistry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return response;
    }

    private HttpResponse invoke(Route route, HttpRequest request) {
        try {
            HttpRequest resolved = request;
            if (route.auth != Auth.NONE) {
                resolved = new HttpRequest(request.method(), request.path(), request.queryParams(), request.headers(), request.body(),
                        Optional.of(resolveTenant(request, route.auth == Auth.FEDERATED_TENANT)));
            }
            return route.handler.handle(resolved);
        }
        catch (HttpException e) {
            return HttpResponse.text(e.status(), e.getMessage() + "\n");
        }
        catch (InvalidTenantIdException e) {
            return HttpResponse.text(400, e.getMessage() + "\n");
        }
        catch (Exception | LinkageError e) {
            LOG.log(Level.ERROR, "http handler failed path=" + request.path(), e);
            return HttpResponse.text(500, "internal error: " + e.getMessage() + "\n");
        }
    }

    /**
     * The tenant of a request: {@code X-Scope-OrgID} when multi-tenancy is on (missing → 401,
     * invalid → 400; with {@code -auth.tenant-from-basic-auth} a missing header falls back to the basic
     * authentication user), else {@code -auth.no-auth-tenant}.
     */
    String resolveTenant(HttpRequest request, boolean federated) {
        if (!multitenancyEnabled) {
            return noAuthTenant;
        }
        Optional<String> header = request.header(TenantIds.HEADER);
        if ((header.isEmpty() || header.get().isEmpty()) && tenantFromBasicAuth) {
            header = basicAuthUser(request);
        }
        if (header.isEmpty() || header.get().isEmpty()) {
            throw new HttpException(401, "no org id: the X-Scope-OrgID header is required (-auth.multitenancy-enabled=true"
                    + (tenantFromBasicAuth ? ", or a basic authentication user with -auth.tenant-from-basic-auth)" : ")"));
        }
        String value = header.get();
        if (value.indexOf('|') >= 0) {
            if (federated && tenantFederationEnabled) {
                return String.join("|", TenantIds.parseHeader(value));
            }
            throw new HttpException(400, federated
                    ? "multiple tenant IDs in X-Scope-OrgID need tenant federation, which is not enabled (-tenant-federation.enabled=false)"
                    : "multiple tenant IDs in X-Scope-OrgID are not supported by this endpoint");
        }
        return TenantIds.validate(value);
    }

    /** The user of {@code Authorization: Basic base64(user:password)}, if the request has one. */
    private static Optional<String> basicAuthUser(HttpRequest request) {
        Optional<String> authorization = request.header("Authorization");
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(authorization.get().substring(6).strip()),
                    java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return Optional.of(colon < 0 ? decoded : decoded.substring(0, colon));
        }
        catch (IllegalArgumentException e) {
            throw new HttpException(400, "invalid basic authentication header: " + e.getMessage());
        }
    }

    private Route find(String path) {
        Route route = exact.get(path);
        if (route != null) {
            return route;
        }
        synchronized (this) {
            for (Route candidate : prefixes) {
                if (path.startsWith(candidate.path)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Mimir's route label: the path without the leading slash, slashes and dashes as underscores. */
    static String routeName(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.isEmpty()) {
            return "root";
        }
        return trimmed.replaceAll("[^a-zA-Z0-9_]", "_");
    }
}
