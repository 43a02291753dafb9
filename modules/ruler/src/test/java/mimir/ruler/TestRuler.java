package mimir.ruler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mimir.distributor.client.DistributorClient;
import mimir.model.Labels;
import mimir.proto.rulespb.RuleGroupDesc;
import mimir.querier.client.QuerierClient;
import mimir.ruler.eval.GroupEvaluator;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import mimir.testing.TestingHttpRoutes;

/** The ruler as the launcher builds it: config API, rule storage, evaluation, the Prometheus API and metrics. */
class TestRuler {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String RULES = "/prometheus/config/v1/rules";
    private static final String GROUP = """
            name: availability
            rules:
              - record: job:up:sum
                expr: sum by (job) (up)
              - alert: JobDown
                expr: up == 0
                labels:
                  severity: page
                annotations:
                  summary: "{{ $labels.job }} is down"
            """;

    private final TestingRulerPeers peers = new TestingRulerPeers();
    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private TestingCoreServices core;
    private Ruler ruler;

    @BeforeEach
    void start() throws Exception {
        core = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null,
                Limits.defaults().withOverrides(Map.of("ruler_evaluation_delay_duration", "0s")), NOW, java.util.Set.of("ruler", "querier", "distributor"));
        core.testingLocalInstances().register(QuerierClient.class, peers);
        core.testingLocalInstances().register(DistributorClient.class, peers);
        ruler = RulerProvider.create(core, RulerConfig.defaults(), bucket);
        ruler.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    @AfterEach
    void stop() throws Exception {
        ruler.stop();
    }

    private TestingHttpRoutes routes() {
        return core.routes();
    }

    private HttpResponse request(String method, String path, String tenant, String body) {
        return routes().call(new HttpRequest(method, path, Map.of(), Map.of("x-scope-orgid", List.of(tenant)),
                body.getBytes(StandardCharsets.UTF_8), Optional.empty()));
    }

    private static String text(HttpResponse response) {
        return TestingHttpRoutes.body(response);
    }

    /** Waits (bounded) until the ruler runs {@code count} groups for the tenant after a config change. */
    private List<GroupEvaluator> awaitGroups(String tenant, int count) throws InterruptedException {
        for (int i = 0; i < 500 && ruler.groups(tenant).size() != count; i++) {
            Thread.sleep(10);
        }
        assertThat(ruler.groups(tenant)).hasSize(count);
        return ruler.groups(tenant);
    }

    @Test
    void aGroupPostedThroughTheConfigApiIsStoredInMimirsLayoutAndEvaluated() throws Exception {
        HttpResponse created = request("POST", RULES + "/infra", "team-a", GROUP);
        assertThat(created.status()).isEqualTo(202);
        assertThat(text(created)).isEqualTo("{\"status\":\"success\",\"data\":null,\"errorType\":\"\",\"error\":\"\"}");

        String key = "rules/team-a/" + Base64.getUrlEncoder().encodeToString("infra".getBytes(StandardCharsets.UTF_8)) + "/"
                + Base64.getUrlEncoder().encodeToString("availability".getBytes(StandardCharsets.UTF_8));
        assertThat(bucket.keys()).containsExactly(key);
        RuleGroupDesc stored = RuleGroupDesc.parseFrom(bucket.object(key));
        assertThat(stored.getUser()).isEqualTo("team-a");
        assertThat(stored.getNamespace()).isEqualTo("infra");
        assertThat(stored.getName()).isEqualTo("availability");
        assertThat(stored.getRulesList()).extracting(r -> r.getRecord() + r.getAlert()).containsExactly("job:up:sum", "JobDown");

        assertThat(text(request("GET", RULES + "/infra/availability", "team-a", ""))).contains("name: availability", "record: job:up:sum");
        assertThat(text(request("GET", RULES, "team-a", ""))).startsWith("infra:\n");

        peers.storage("team-a").append(Labels.of("__name__", "up", "job", "api"), NOW.toEpochMilli() - 1000, 0);
        GroupEvaluator group = awaitGroups("team-a", 1).getFirst();
        group.evaluate(NOW.toEpochMilli());

        String rules = text(routes().get("/prometheus/api/v1/rules", "team-a"));
        assertThat(rules).startsWith("{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"availability\",\"file\":\"infra\",\"rules\":[")
                .contains("\"name\":\"job:up:sum\",\"query\":\"sum by (job) (up)\",\"labels\":{},\"health\":\"ok\"")
                .contains("\"state\":\"firing\",\"name\":\"JobDown\"")
                .contains("\"annotations\":{\"summary\":\"api is down\"},\"state\":\"firing\",\"activeAt\":\"2026-06-01T12:00:00Z\",\"value\":\"0e+00\"");
        assertThat(text(routes().get("/prometheus/api/v1/rules", "team-a", "type", "record"))).doesNotContain("JobDown").contains("job:up:sum");
        assertThat(text(routes().get("/prometheus/api/v1/rules", "team-a", "rule_name[]", "JobDown"))).doesNotContain("job:up:sum");
        assertThat(text(routes().get("/prometheus/api/v1/rules", "team-a", "type", "bogus")))
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"not supported value \\\"bogus\\\"\"}");
        assertThat(text(routes().get("/prometheus/api/v1/alerts", "team-a")))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"JobDown\",\"job\":\"api\",\"severity\":\"page\"},"
                        + "\"annotations\":{\"summary\":\"api is down\"},\"state\":\"firing\",\"activeAt\":\"2026-06-01T12:00:00Z\",\"value\":\"0e+00\"}]}}");

        assertThat(core.simpleMeterRegistry().get("cortex_prometheus_rule_evaluations_total")
                .tags("rule_group", "infra;availability", "user", "team-a").counter().count()).isEqualTo(2);
        assertThat(core.simpleMeterRegistry().get("cortex_ruler_managers_total").gauge().value()).isEqualTo(1);
    }

    @Test
    void tenantsSeeOnlyTheirOwnRulesAndAlerts() throws Exception {
        assertThat(request("POST", RULES + "/infra", "team-a", GROUP).status()).isEqualTo(202);
        awaitGroups("team-a", 1).getFirst().evaluate(NOW.toEpochMilli());
        assertThat(text(request("GET", RULES, "team-b", ""))).isEqualTo("{}\n");
        // The admin listing shows every tenant.
        assertThat(text(routes().get("/ruler/rule_groups", null))).startsWith("team-a:\n    infra:\n");
        assertThat(request("GET", RULES + "/infra/availability", "team-b", "").status()).isEqualTo(404);
        assertThat(text(routes().get("/prometheus/api/v1/rules", "team-b"))).isEqualTo("{\"status\":\"success\",\"data\":{\"groups\":[]}}");
        assertThat(request("DELETE", RULES + "/infra", "team-b", "").status()).isEqualTo(404);
        assertThat(bucket.keys()).hasSize(1);
    }

    @Test
    void refusedRequestsChangeNothingAndNameTheReason() throws Exception {
        assertThat(request("POST", RULES + "/infra", "team-a", GROUP).status()).isEqualTo(202);
        List<String> before = bucket.keys();
        HttpResponse invalid = request("POST", RULES + "/infra", "team-a", GROUP.replace("sum by (job) (up)", "sum by (job) (up"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(text(invalid)).contains("group \"availability\", rule 1, \"job:up:sum\": could not parse expression");
        core.testingOverrides().set(Map.of("team-a", Limits.defaults().withOverrides(Map.of("ruler_max_rule_groups_per_tenant", 1))));
        HttpResponse tooMany = request("POST", RULES + "/infra", "team-a", GROUP.replace("name: availability", "name: second"));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(text(tooMany)).startsWith("per-user rule groups limit (limit: 1 actual: 2) exceeded").contains("-ruler.max-rule-groups-per-tenant");
        // Replacing the existing group is within the limit.
        assertThat(request("POST", RULES + "/infra", "team-a", GROUP).status()).isEqualTo(202);
        HttpResponse federated = request("POST", RULES + "/infra", "team-a", "source_tenants: [team-b]\n" + GROUP);
        assertThat(text(federated)).contains("is a federated rule group, but rules federation is disabled");
        assertThat(bucket.keys()).isEqualTo(before);
    }

    @Test
    void deletingAGroupStopsItAndMarksItsSeriesStale() throws Exception {
        peers.storage("team-a").append(Labels.of("__name__", "up", "job", "api"), NOW.toEpochMilli() - 1000, 1);
        assertThat(request("POST", RULES + "/infra", "team-a", GROUP).status()).isEqualTo(202);
        awaitGroups("team-a", 1).getFirst().evaluate(NOW.toEpochMilli());
        assertThat(request("DELETE", RULES + "/infra/availability", "team-a", "").status()).isEqualTo(202);
        awaitGroups("team-a", 0);
        assertThat(bucket.keys()).isEmpty();
        assertThat(request("DELETE", RULES + "/infra/availability", "team-a", "").status()).isEqualTo(404);
        // The recorded series ends with a staleness marker.
        var querier = peers.storage("team-a").querier(NOW.toEpochMilli(), NOW.toEpochMilli());
        var series = querier.select(true, List.of(mimir.model.Matcher.equal("__name__", "job:up:sum")));
        assertThat(series.next()).isTrue();
        var samples = series.iterator();
        assertThat(samples.next()).isTrue();
        assertThat(mimir.promql.engine.StaleMarker.is(samples.value())).isTrue();
    }
}
