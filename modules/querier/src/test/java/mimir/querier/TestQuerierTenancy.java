package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_MS;
import static mimir.querier.QuerierFixture.NOW_S;
import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.errorJson;
import static mimir.querier.QuerierFixture.ok;
import static mimir.querier.QuerierFixture.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.UserStats;
import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Tenant isolation on every read endpoint, and tenant federation ({@code a|b}) with the {@code __tenant_id__} label. */
class TestQuerierTenancy {
    private static final Labels UP_A = Labels.of("__name__", "up", "instance", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "instance", "b");

    private static QuerierFixture twoTenants(QuerierConfig config) {
        QuerierFixture fixture = QuerierFixture.started(config).series("team-a", UP_A, 1, 5, 0).series("team-b", UP_B, 2, 5, 0);
        fixture.ingester.addMetadata("team-a", new MetricMetadata("up", MetricMetadata.Type.GAUGE, "help", ""));
        fixture.ingester.addExemplars("team-a", new ExemplarSeries(UP_A, List.of(new ExemplarSeries.Exemplar(Labels.of("trace_id", "t"), 1, NOW_MS))));
        fixture.ingester.setUserStats("team-a", new UserStats(1, 1, 1, 0));
        return fixture;
    }

    @Test
    void tenantBSeesNothingOfTenantA() {
        QuerierFixture fixture = twoTenants(QuerierConfig.defaults()).limits("team-c", Map.of("cardinality_analysis_enabled", true));
        String emptyVector = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
        String emptyList = "{\"status\":\"success\",\"data\":[]}";
        String tenant = "team-c";
        fixture.series("team-a", Labels.of("__name__", "only_a"), 1, 0);
        assertThat(ok(fixture.get("/api/v1/query", tenant, "query", "up", "time", NOW_S))).isEqualTo(emptyVector);
        assertThat(ok(fixture.get("/api/v1/query", tenant, "query", "{__name__=~\".+\"}", "time", NOW_S))).isEqualTo(emptyVector);
        assertThat(ok(fixture.get("/api/v1/query_range", tenant, "query", "up", "start", ts(5), "end", NOW_S, "step", "1m")))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
        assertThat(ok(fixture.get("/api/v1/series", tenant, "match[]", "{__name__=~\".+\"}"))).isEqualTo(emptyList);
        assertThat(ok(fixture.get("/api/v1/labels", tenant))).isEqualTo(emptyList);
        assertThat(ok(fixture.get("/api/v1/label/__name__/values", tenant))).isEqualTo(emptyList);
        assertThat(ok(fixture.get("/api/v1/metadata", tenant))).isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(ok(fixture.get("/api/v1/query_exemplars", tenant, "query", "up"))).isEqualTo(emptyList);
        assertThat(ok(fixture.get("/api/v1/cardinality/label_names", tenant)))
                .isEqualTo("{\"label_values_count_total\":0,\"label_names_count\":0,\"cardinality\":[]}");
        assertThat(ok(fixture.get("/api/v1/cardinality/label_values", tenant, "label_names[]", "instance")))
                .isEqualTo("{\"series_count_total\":0,\"labels\":[{\"label_name\":\"instance\",\"label_values_count\":0,\"series_count\":0,\"cardinality\":[]}]}");
        assertThat(ok(fixture.get("/api/v1/cardinality/active_series", tenant, "selector", "{__name__=~\".+\"}"))).isEqualTo("{\"data\":[]}");
        assertThat(ok(fixture.core.routes().get("/api/v1/user_stats", tenant)))
                .isEqualTo("{\"ingestionRate\":0,\"numSeries\":0,\"APIIngestionRate\":0,\"RuleIngestionRate\":0}");
        // And team-a does see its own data through the same endpoints.
        assertThat(ok(fixture.get("/api/v1/label/__name__/values", "team-a"))).isEqualTo("{\"status\":\"success\",\"data\":[\"only_a\",\"up\"]}");
    }

    @Test
    void federationMergesTenantsAndAddsTheTenantLabel() {
        QuerierFixture fixture = twoTenants(QuerierConfig.defaults().withFederation(true, 0));
        String both = "team-b|team-a";
        assertThat(ok(fixture.get("/api/v1/query", both, "query", "up", "time", NOW_S))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":{\"__name__\":\"up\",\"__tenant_id__\":\"team-a\",\"instance\":\"a\"},\"value\":[" + NOW_S + ",\"1\"]},"
                        + "{\"metric\":{\"__name__\":\"up\",\"__tenant_id__\":\"team-b\",\"instance\":\"b\"},\"value\":[" + NOW_S + ",\"2\"]}]}}");
        assertThat(ok(fixture.get("/api/v1/query", both, "query", "sum(up)", "time", NOW_S))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[" + NOW_S + ",\"3\"]}]}}");
        assertThat(ok(fixture.get("/api/v1/query", both, "query", "up{__tenant_id__=\"team-b\"}", "time", NOW_S))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":{\"__name__\":\"up\",\"__tenant_id__\":\"team-b\",\"instance\":\"b\"},\"value\":[" + NOW_S + ",\"2\"]}]}}");
        assertThat(ok(fixture.get("/api/v1/series", both, "match[]", "{__tenant_id__=~\"team-a\"}"))).isEqualTo(
                "{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"__tenant_id__\":\"team-a\",\"instance\":\"a\"}]}");
        assertThat(ok(fixture.get("/api/v1/label/__tenant_id__/values", both))).isEqualTo("{\"status\":\"success\",\"data\":[\"team-a\",\"team-b\"]}");
        assertThat(ok(fixture.get("/api/v1/labels", both))).isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"__tenant_id__\",\"instance\"]}");
        assertThat(ok(fixture.get("/api/v1/query_exemplars", both, "query", "up"))).contains("\"seriesLabels\":{\"__name__\":\"up\",\"__tenant_id__\":\"team-a\"");
        // A single tenant's queries carry no tenant label.
        assertThat(ok(fixture.get("/api/v1/series", "team-a", "match[]", "up"))).isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a\"}]}");
    }

    @Test
    void aSeriesOwnTenantLabelIsKeptAsOriginal() {
        QuerierFixture fixture = twoTenants(QuerierConfig.defaults().withFederation(true, 0));
        fixture.series("team-b", Labels.of("__name__", "relabelled", "__tenant_id__", "edge"), 1, 0);
        assertThat(ok(fixture.get("/api/v1/series", "team-a|team-b", "match[]", "relabelled"))).isEqualTo(
                "{\"status\":\"success\",\"data\":[{\"__name__\":\"relabelled\",\"__tenant_id__\":\"team-b\",\"original___tenant_id__\":\"edge\"}]}");
    }

    @Test
    void federatedQueriesUseTheSmallestLimitOfTheirTenants() {
        QuerierFixture fixture = twoTenants(QuerierConfig.defaults().withFederation(true, 0)).limits("team-b", Map.of("max_fetched_series_per_query", 1));
        assertThat(fixture.get("/api/v1/query", "team-a|team-b", "query", "up", "time", NOW_S).status()).isEqualTo(422);
        ok(fixture.get("/api/v1/query", "team-a", "query", "up", "time", NOW_S));
    }

    @Test
    void severalTenantsNeedFederationAndAtMostMaxTenants() {
        QuerierFixture plain = twoTenants(QuerierConfig.defaults());
        HttpResponse refused = plain.get("/api/v1/query", "team-a|team-b", "query", "up");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(body(refused)).contains("-tenant-federation.enabled");

        QuerierFixture limited = twoTenants(QuerierConfig.defaults().withFederation(true, 2));
        HttpResponse tooMany = limited.get("/api/v1/query", "team-a|team-b|team-c", "query", "up");
        assertThat(body(tooMany)).isEqualTo(errorJson("bad_data", "too many tenant IDs present. max: 2 actual: 3"));
        assertThat(tooMany.status()).isEqualTo(400);
        ok(limited.get("/api/v1/query", "team-a|team-b", "query", "up"));
    }
}
