package mimir.querier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.ingester.client.IngesterClient;
import mimir.ring.IngesterRing;
import mimir.ring.SingleInstanceRing;
import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import mimir.testing.TestingHttpRoutes;

/**
 * A started querier over a {@link TestingIngesterClient}, built through {@link TestingCoreServices}
 * like the launcher builds it, with helpers to call its routes.
 */
public final class QuerierFixture {
    /** The tests' "now". */
    public static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
    public static final long NOW_MS = NOW.toEpochMilli();
    /** {@link #NOW} in Unix seconds, as the API prints it. */
    public static final String NOW_S = String.valueOf(NOW_MS / 1000);
    public static final String PREFIX = "/prometheus";

    final TestingIngesterClient ingester = new TestingIngesterClient();
    final TestingCoreServices core;
    final Querier querier;
    private final Map<String, Limits> tenantLimits = new HashMap<>();

    QuerierFixture(QuerierConfig config, Set<String> modules, boolean withIngester) {
        core = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null, Limits.defaults(), NOW, modules);
        if (withIngester) {
            core.testingLocalInstances().register(IngesterClient.class, ingester);
            core.testingLocalInstances().register(IngesterRing.class, SingleInstanceRing.of("local", core.clock()));
        }
        querier = QuerierProvider.create(core, config);
    }

    /** A standalone querier (no query-frontend here), started. */
    static QuerierFixture started(QuerierConfig config) {
        QuerierFixture fixture = new QuerierFixture(config, Set.of("querier", "ingester"), true);
        fixture.start();
        return fixture;
    }

    static QuerierFixture started() {
        return started(QuerierConfig.defaults());
    }

    void start() {
        try {
            querier.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sets per-tenant limit overrides (YAML names and values). */
    QuerierFixture limits(String tenant, Map<String, ?> overrides) {
        tenantLimits.put(tenant, Limits.defaults().withOverrides(overrides));
        core.testingOverrides().set(Map.copyOf(tenantLimits));
        return this;
    }

    /** Adds samples {@code value} at {@code NOW - minutesAgo[i]} for each entry. */
    QuerierFixture series(String tenant, Labels labels, double value, int... minutesAgo) {
        for (int minutes : minutesAgo) {
            ingester.add(tenant, labels, NOW_MS - minutes * 60_000L, value);
        }
        return this;
    }

    HttpResponse get(String path, String tenant, String... params) {
        return core.routes().get(PREFIX + path, tenant, params);
    }

    HttpResponse postForm(String path, String tenant, String form) {
        return core.routes().post(PREFIX + path, tenant, form.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-www-form-urlencoded");
    }

    /** Asserts a 200 JSON response and returns its body. */
    static String ok(HttpResponse response) {
        assertThat(response.status()).as(TestingHttpRoutes.body(response)).isEqualTo(200);
        return TestingHttpRoutes.body(response);
    }

    static String body(HttpResponse response) {
        return TestingHttpRoutes.body(response);
    }

    /** Prometheus's error envelope. */
    static String errorJson(String errorType, String message) {
        StringBuilder out = new StringBuilder("{\"status\":\"error\",\"errorType\":\"").append(errorType).append("\",\"error\":");
        mimir.promql.api.ApiJson.appendString(out, message);
        return out.append('}').toString();
    }

    /** Seconds before {@link #NOW} as the API prints a point timestamp. */
    static String ts(int minutesAgo) {
        return String.valueOf(NOW_MS / 1000 - minutesAgo * 60L);
    }
}
