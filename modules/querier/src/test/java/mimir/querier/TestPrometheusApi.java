package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_MS;
import static mimir.querier.QuerierFixture.NOW_S;
import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.ok;
import static mimir.querier.QuerierFixture.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.UserStats;
import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Every Prometheus API endpoint's JSON, byte for byte as Prometheus writes it (shapes from reference/prom-http-api.md). */
class TestPrometheusApi {
    private static final String TENANT = "team-a";
    private static final Labels UP_A = Labels.of("__name__", "up", "job", "api", "instance", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "job", "api", "instance", "b");
    private static final String UP_A_JSON = "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"}";
    private static final String UP_B_JSON = "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"api\"}";

    private final QuerierFixture fixture = QuerierFixture.started()
            .series(TENANT, UP_A, 1, 10, 5, 0)
            .series(TENANT, UP_B, 0, 10, 5, 0);

    @Test
    void instantQueryReturnsAVectorAtTheGivenTime() {
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":" + UP_A_JSON + ",\"value\":[" + NOW_S + ",\"1\"]},"
                        + "{\"metric\":" + UP_B_JSON + ",\"value\":[" + NOW_S + ",\"0\"]}]}}");
    }

    @Test
    void instantQueryDefaultsToNowAndAcceptsRfc3339AndFractionalSeconds() {
        String expected = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[" + NOW_S + ",\"2\"]}}";
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "1+1"))).isEqualTo(expected);
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "1+1", "time", "2026-01-10T12:00:00Z"))).isEqualTo(expected);
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "up{instance=\"a\"}", "time", NOW_S + ".5"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":" + UP_A_JSON + ",\"value\":[" + NOW_S
                        + ".500,\"1\"]}]}}");
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "\"text\"", "time", NOW_S + ".25"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[" + NOW_S + ".25,\"text\"]}}");
    }

    @Test
    void rangeQueryReturnsAMatrixWithGetAndFormPost() {
        String expected = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":" + UP_A_JSON + ",\"values\":[["
                + ts(10) + ",\"1\"],[" + ts(5) + ",\"1\"],[" + ts(0) + ",\"1\"]]}]}}";
        assertThat(ok(fixture.get("/api/v1/query_range", TENANT, "query", "up{instance=\"a\"}", "start", ts(10), "end", NOW_S, "step", "5m")))
                .isEqualTo(expected);
        assertThat(ok(fixture.postForm("/api/v1/query_range", TENANT,
                "query=up%7Binstance%3D%22a%22%7D&start=" + ts(10) + "&end=" + NOW_S + "&step=300"))).isEqualTo(expected);
        assertThat(ok(fixture.postForm("/api/v1/query", TENANT, "query=count(up)&time=" + NOW_S))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[" + NOW_S + ",\"2\"]}]}}");
    }

    @Test
    void limitTruncatesTheResultWithAWarning() {
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S, "limit", "1"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":" + UP_A_JSON + ",\"value\":[" + NOW_S
                        + ",\"1\"]}]},\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(ok(fixture.get("/api/v1/series", TENANT, "match[]", "up", "limit", "1"))).isEqualTo(
                "{\"status\":\"success\",\"data\":[" + UP_A_JSON + "],\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void seriesDeduplicatesAcrossMatchersAndSortsByLabels() {
        assertThat(ok(fixture.get("/api/v1/series", TENANT, "match[]", "up{instance=\"b\"}", "match[]", "up", "start", ts(60), "end", NOW_S)))
                .isEqualTo("{\"status\":\"success\",\"data\":[" + UP_A_JSON + "," + UP_B_JSON + "]}");
        assertThat(ok(fixture.postForm("/api/v1/series", TENANT, "match[]=up%7Binstance%3D%22b%22%7D")))
                .isEqualTo("{\"status\":\"success\",\"data\":[" + UP_B_JSON + "]}");
        assertThat(ok(fixture.get("/api/v1/series", TENANT, "match[]", "nothing_here"))).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void labelNamesAndValuesAreSorted() {
        fixture.series(TENANT, Labels.of("__name__", "build_info", "version", "1.0"), 1, 0);
        assertThat(ok(fixture.get("/api/v1/labels", TENANT))).isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\",\"version\"]}");
        assertThat(ok(fixture.get("/api/v1/labels", TENANT, "match[]", "build_info"))).isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"version\"]}");
        assertThat(ok(fixture.get("/api/v1/label/__name__/values", TENANT))).isEqualTo("{\"status\":\"success\",\"data\":[\"build_info\",\"up\"]}");
        assertThat(ok(fixture.get("/api/v1/label/instance/values", TENANT, "match[]", "up"))).isEqualTo("{\"status\":\"success\",\"data\":[\"a\",\"b\"]}");
        assertThat(ok(fixture.get("/api/v1/label/U__instance/values", TENANT, "limit", "1")))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"a\"],\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(ok(fixture.get("/api/v1/label/nothing/values", TENANT))).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void metadataIsGroupedByMetricAndLimited() {
        fixture.ingester.addMetadata(TENANT, new MetricMetadata("up", MetricMetadata.Type.GAUGE, "Whether the target is up.", ""));
        fixture.ingester.addMetadata(TENANT, new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "Requests.", ""));
        fixture.ingester.addMetadata(TENANT, new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "Requests <old>.", ""));
        assertThat(ok(fixture.get("/api/v1/metadata", TENANT))).isEqualTo("{\"status\":\"success\",\"data\":{"
                + "\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\"},{\"type\":\"counter\",\"help\":\"Requests \\u003cold\\u003e.\",\"unit\":\"\"}],"
                + "\"up\":[{\"type\":\"gauge\",\"help\":\"Whether the target is up.\",\"unit\":\"\"}]}}");
        assertThat(ok(fixture.get("/api/v1/metadata", TENANT, "limit", "1", "limit_per_metric", "1"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\"}]}}");
        assertThat(ok(fixture.get("/api/v1/metadata", TENANT, "metric", "up"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"up\":[{\"type\":\"gauge\",\"help\":\"Whether the target is up.\",\"unit\":\"\"}]}}");
        assertThat(ok(fixture.get("/api/v1/metadata", "team-b"))).isEqualTo("{\"status\":\"success\",\"data\":{}}");
    }

    @Test
    void exemplarsOfTheSelectedSeriesInRange() {
        fixture.ingester.addExemplars(TENANT, new ExemplarSeries(UP_A,
                List.of(new ExemplarSeries.Exemplar(Labels.of("trace_id", "abc"), 6, NOW_MS - 60_000 + 479))));
        assertThat(ok(fixture.get("/api/v1/query_exemplars", TENANT, "query", "rate(up{instance=\"a\"}[5m])", "start", ts(5), "end", NOW_S)))
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"seriesLabels\":" + UP_A_JSON + ",\"exemplars\":[{\"labels\":{\"trace_id\":\"abc\"},"
                        + "\"value\":\"6\",\"timestamp\":" + (NOW_MS / 1000 - 60) + ".479}]}]}");
        assertThat(ok(fixture.get("/api/v1/query_exemplars", TENANT, "query", "up{instance=\"b\"}"))).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void formatQueryPrintsTheCanonicalForm() {
        assertThat(ok(fixture.get("/api/v1/format_query", TENANT, "query", "sum by(job)(rate(up[5m]))/2")))
                .isEqualTo("{\"status\":\"success\",\"data\":\"sum by (job) (rate(up[5m])) / 2\"}");
    }

    @Test
    void userStatsAreMimirsJson() {
        fixture.ingester.setUserStats(TENANT, new UserStats(12.5, 42, 12.5, 0));
        HttpResponse response = fixture.core.routes().get("/api/v1/user_stats", TENANT);
        assertThat(ok(response)).isEqualTo("{\"ingestionRate\":12.5,\"numSeries\":42,\"APIIngestionRate\":12.5,\"RuleIngestionRate\":0}");
        assertThat(response.contentType()).isEqualTo("application/json");
    }

    @Test
    void methodsAndPathsAreChecked() {
        assertThat(fixture.core.routes().post(QuerierFixture.PREFIX + "/api/v1/label/job/values", TENANT, new byte[0]).status()).isEqualTo(405);
        assertThat(fixture.core.routes().post(QuerierFixture.PREFIX + "/api/v1/metadata", TENANT, new byte[0]).status()).isEqualTo(405);
        assertThat(fixture.get("/api/v1/label/a/b/values", TENANT).status()).isEqualTo(404);
        assertThat(fixture.get("/api/v1/query", null, "query", "up").status()).isEqualTo(401);
        assertThat(fixture.core.routes().has(QuerierFixture.PREFIX + "/api/v1/status/buildinfo")).isFalse();
        assertThat(body(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S))).startsWith("{\"status\":\"success\"");
    }
}
