package mimir.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes.Auth;
import org.junit.jupiter.api.Test;

class TestRouteTable {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static ServerConfig config(boolean multitenancy) {
        return config(multitenancy, false);
    }

    private static ServerConfig config(boolean multitenancy, boolean federation) {
        return config(multitenancy, federation, false);
    }

    private static ServerConfig config(boolean multitenancy, boolean federation, boolean basicAuth) {
        return new ServerConfig("127.0.0.1", 0, "127.0.0.1", 0, Duration.ofSeconds(1), 1 << 20, 1 << 20, multitenancy, "anonymous", "/prometheus",
                federation, basicAuth);
    }

    private static HttpRequest get(String path, String... headers) {
        Map<String, List<String>> headerMap = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            headerMap.put(headers[i].toLowerCase(java.util.Locale.ROOT), List.of(headers[i + 1]));
        }
        return new HttpRequest("GET", path, Map.of(), headerMap, new byte[0], Optional.empty());
    }

    private static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void withTenantFromBasicAuthTheUserNamesTheTenantWhenTheHeaderIsMissing() {
        RouteTable routes = new RouteTable(config(true, false, true), registry);
        routes.register("/api/v1/user_limits", Auth.TENANT, "limits", r -> HttpResponse.text(200, "tenant=" + r.requireTenant()), "GET");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("team-a:ignored".getBytes(StandardCharsets.UTF_8));
        assertThat(body(routes.dispatch(get("/api/v1/user_limits", "Authorization", basic)))).isEqualTo("tenant=team-a");
        assertThat(body(routes.dispatch(get("/api/v1/user_limits", "Authorization", basic, "X-Scope-OrgID", "team-b")))).isEqualTo("tenant=team-b");
        HttpResponse invalid = routes.dispatch(get("/api/v1/user_limits", "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString("..:x".getBytes(StandardCharsets.UTF_8))));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(routes.dispatch(get("/api/v1/user_limits")).status()).isEqualTo(401);
        // Off by default: the user name is ignored.
        RouteTable strict = new RouteTable(config(true), registry);
        strict.register("/api/v1/user_limits", Auth.TENANT, "limits", r -> HttpResponse.text(200, "tenant=" + r.requireTenant()), "GET");
        assertThat(strict.dispatch(get("/api/v1/user_limits", "Authorization", basic)).status()).isEqualTo(401);
    }

    @Test
    void tenantRoutesNeedAValidOrgId() {
        RouteTable routes = new RouteTable(config(true), registry);
        routes.register("/api/v1/user_limits", Auth.TENANT, "limits", r -> HttpResponse.text(200, "tenant=" + r.requireTenant()), "GET");

        HttpResponse missing = routes.dispatch(get("/api/v1/user_limits"));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(body(missing)).contains("no org id", "-auth.multitenancy-enabled");

        HttpResponse invalid = routes.dispatch(get("/api/v1/user_limits", "X-Scope-OrgID", ".."));
        assertThat(invalid.status()).isEqualTo(400);
        HttpResponse tooLong = routes.dispatch(get("/api/v1/user_limits", "X-Scope-OrgID", "a".repeat(151)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(body(tooLong)).contains("max 150");
        HttpResponse federated = routes.dispatch(get("/api/v1/user_limits", "X-Scope-OrgID", "a|b"));
        assertThat(federated.status()).isEqualTo(400);
        assertThat(body(federated)).contains("multiple tenant IDs", "not supported by this endpoint");

        assertThat(body(routes.dispatch(get("/api/v1/user_limits", "x-scope-orgid", "team-1")))).isEqualTo("tenant=team-1");
    }

    @Test
    void federatedRoutesTakeSeveralTenantsOnlyWithFederationEnabled() {
        RouteTable without = new RouteTable(config(true, false), registry);
        without.register("/q", Auth.FEDERATED_TENANT, null, r -> HttpResponse.text(200, r.requireTenant()), "GET");
        HttpResponse refused = without.dispatch(get("/q", "X-Scope-OrgID", "b|a"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(body(refused)).contains("-tenant-federation.enabled=false");

        RouteTable with = new RouteTable(config(true, true), registry);
        with.register("/q", Auth.FEDERATED_TENANT, null, r -> HttpResponse.text(200, r.requireTenant()), "GET");
        with.register("/push", Auth.TENANT, null, r -> HttpResponse.text(200, r.requireTenant()), "GET");
        assertThat(body(with.dispatch(get("/q", "X-Scope-OrgID", "b|a|b")))).isEqualTo("a|b");
        assertThat(body(with.dispatch(get("/q", "X-Scope-OrgID", "a")))).isEqualTo("a");
        assertThat(with.dispatch(get("/q", "X-Scope-OrgID", "a|..")).status()).isEqualTo(400);
        assertThat(with.dispatch(get("/push", "X-Scope-OrgID", "a|b")).status()).isEqualTo(400);
    }

    @Test
    void multitenancyOffUsesTheNoAuthTenant() {
        RouteTable routes = new RouteTable(config(false), registry);
        routes.register("/t", Auth.TENANT, null, r -> HttpResponse.text(200, r.requireTenant()), "GET");
        assertThat(body(routes.dispatch(get("/t")))).isEqualTo("anonymous");
        assertThat(body(routes.dispatch(get("/t", "X-Scope-OrgID", "other")))).isEqualTo("anonymous");
    }

    @Test
    void methodsPrefixesErrorsAndMetrics() {
        RouteTable routes = new RouteTable(config(true), registry);
        routes.register("/ready", Auth.NONE, null, r -> HttpResponse.text(200, "ready"), "GET");
        routes.register("/prometheus/*", Auth.NONE, null, r -> HttpResponse.text(200, r.path()), "GET", "POST");
        routes.register("/boom", Auth.NONE, null, r -> {
            throw new IllegalStateException("kaput");
        }, "GET");
        routes.register("/limit", Auth.NONE, null, r -> {
            throw new HttpException(429, "ingestion rate limit (10000) exceeded (-distributor.ingestion-rate-limit)");
        }, "GET");

        assertThat(routes.dispatch(get("/ready")).status()).isEqualTo(200);
        assertThat(routes.dispatch(new HttpRequest("HEAD", "/ready", Map.of(), Map.of(), new byte[0], Optional.empty())).status()).isEqualTo(200);
        HttpResponse wrongMethod = routes.dispatch(new HttpRequest("DELETE", "/ready", Map.of(), Map.of(), new byte[0], Optional.empty()));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(body(routes.dispatch(get("/prometheus/api/v1/query")))).isEqualTo("/prometheus/api/v1/query");
        assertThat(routes.dispatch(get("/nothing")).status()).isEqualTo(404);
        HttpResponse boom = routes.dispatch(get("/boom"));
        assertThat(boom.status()).isEqualTo(500);
        assertThat(body(boom)).contains("kaput");
        HttpResponse limited = routes.dispatch(get("/limit"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(body(limited)).contains("-distributor.ingestion-rate-limit");

        assertThat(registry.get("cortex_request_duration_seconds").tags("route", "ready", "status_code", "200").timers())
                .extracting(timer -> timer.getId().getTag("method") + "=" + timer.count()).containsExactlyInAnyOrder("GET=1", "HEAD=1");
        assertThatThrownBy(() -> routes.register("/ready", Auth.NONE, null, r -> null, "GET")).hasMessageContaining("already registered");
    }
}
