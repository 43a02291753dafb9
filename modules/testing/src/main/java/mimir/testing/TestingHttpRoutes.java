package mimir.testing;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import mimir.spi.http.HttpException;
import mimir.spi.http.HttpHandler;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * Routes a test calls directly, with the server's rules that matter to handlers: exact paths and
 * {@code /*} prefixes, 405 for other methods, the tenant from {@code X-Scope-OrgID} (401 when missing;
 * several tenants joined by {@code |} only on {@link Auth#FEDERATED_TENANT} routes, sorted), and
 * {@link HttpException} mapped to its status and message. Tenant IDs are not validated beyond that: the
 * real server's rules are tested in {@code mimir.core}.
 */
public final class TestingHttpRoutes implements HttpRoutes {
    private record Route(Auth auth, HttpHandler handler, Set<String> methods) {}

    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    @Override
    public void register(String path, Auth auth, String description, HttpHandler handler, String... methods) {
        if (routes.putIfAbsent(path, new Route(requireNonNull(auth, "auth is null"), requireNonNull(handler, "handler is null"),
                Set.of(methods))) != null) {
            throw new IllegalArgumentException("HTTP route already registered: " + path);
        }
    }

    /** True if a route is registered for exactly this path (or prefix pattern ending in {@code /*}). */
    public boolean has(String path) {
        return routes.containsKey(path);
    }

    /** A GET with query parameters given as alternating names and values. */
    public HttpResponse get(String path, String tenant, String... params) {
        return call(new HttpRequest("GET", path, paramMap(params), tenantHeader(tenant), new byte[0], Optional.empty()));
    }

    /** A POST with a body and headers given as alternating names and values. */
    public HttpResponse post(String path, String tenant, byte[] body, String... headers) {
        Map<String, List<String>> headerMap = tenantHeader(tenant);
        for (int i = 0; i < headers.length; i += 2) {
            headerMap.put(headers[i].toLowerCase(Locale.ROOT), List.of(headers[i + 1]));
        }
        return call(new HttpRequest("POST", path, Map.of(), headerMap, body, Optional.empty()));
    }

    /** Dispatches a request (its tenant is resolved here from the header). */
    public HttpResponse call(HttpRequest request) {
        Route route = routes.get(request.path());
        if (route == null) {
            route = routes.entrySet().stream()
                    .filter(e -> e.getKey().endsWith("/*") && request.path().startsWith(e.getKey().substring(0, e.getKey().length() - 1)))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        if (route == null) {
            return HttpResponse.text(404, "404 page not found\n");
        }
        if (!route.methods.contains(request.method())) {
            return HttpResponse.text(405, "method " + request.method() + " not allowed\n");
        }
        try {
            HttpRequest resolved = request;
            if (route.auth != Auth.NONE) {
                String header = request.header("X-Scope-OrgID").orElse("");
                if (header.isEmpty()) {
                    return HttpResponse.text(401, "no org id\n");
                }
                if (header.contains("|")) {
                    if (route.auth != Auth.FEDERATED_TENANT) {
                        return HttpResponse.text(400, "multiple tenant IDs in X-Scope-OrgID are not supported by this endpoint\n");
                    }
                    header = String.join("|", new java.util.TreeSet<>(List.of(header.split("\\|"))));
                }
                resolved = new HttpRequest(request.method(), request.path(), request.queryParams(), request.headers(), request.body(),
                        Optional.of(header));
            }
            return route.handler.handle(resolved);
        }
        catch (HttpException e) {
            return HttpResponse.text(e.status(), e.getMessage() + "\n");
        }
        catch (Exception e) {
            throw new AssertionError("handler of " + request.path() + " failed", e);
        }
    }

    /** The body of a response as UTF-8 text. */
    public static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> paramMap(String... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("parameters need name/value pairs");
        }
        Map<String, List<String>> map = new HashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.computeIfAbsent(params[i], k -> new java.util.ArrayList<>()).add(params[i + 1]);
        }
        return map;
    }

    private static Map<String, List<String>> tenantHeader(String tenant) {
        Map<String, List<String>> headers = new HashMap<>();
        if (tenant != null) {
            headers.put("x-scope-orgid", List.of(tenant));
        }
        return headers;
    }
}
