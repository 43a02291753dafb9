package mimir.querier;

import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Mimir's cardinality API: gated by {@code cardinality_analysis_enabled}, JSON as Mimir writes it, plain-text 400s. */
class TestQuerierCardinality {
    private final QuerierFixture fixture = QuerierFixture.started()
            .limits("team-a", Map.of("cardinality_analysis_enabled", true))
            .series("team-a", Labels.of("__name__", "up", "job", "api", "instance", "a"), 1, 0)
            .series("team-a", Labels.of("__name__", "up", "job", "api", "instance", "b"), 1, 0)
            .series("team-a", Labels.of("__name__", "up", "job", "db", "instance", "c"), 1, 0)
            .series("team-a", Labels.of("__name__", "build_info", "version", "1"), 1, 0);

    @Test
    void labelNamesCountValuesPerNameMostFirst() {
        assertThat(ok(fixture.get("/api/v1/cardinality/label_names", "team-a"))).isEqualTo("{\"label_values_count_total\":8,\"label_names_count\":4,"
                + "\"cardinality\":[{\"label_name\":\"instance\",\"label_values_count\":3},{\"label_name\":\"__name__\",\"label_values_count\":2},"
                + "{\"label_name\":\"job\",\"label_values_count\":2},{\"label_name\":\"version\",\"label_values_count\":1}]}");
        assertThat(ok(fixture.get("/api/v1/cardinality/label_names", "team-a", "limit", "1", "selector", "{job=\"api\"}")))
                .isEqualTo("{\"label_values_count_total\":4,\"label_names_count\":3,\"cardinality\":[{\"label_name\":\"instance\",\"label_values_count\":2}]}");
        assertThat(ok(fixture.postForm("/api/v1/cardinality/label_names", "team-a", "selector=build_info")))
                .startsWith("{\"label_values_count_total\":2,\"label_names_count\":2,");
    }

    @Test
    void labelValuesCountSeriesPerValue() {
        assertThat(ok(fixture.get("/api/v1/cardinality/label_values", "team-a", "label_names[]", "job", "label_names[]", "instance")))
                .isEqualTo("{\"series_count_total\":4,\"labels\":["
                        + "{\"label_name\":\"instance\",\"label_values_count\":3,\"series_count\":3,\"cardinality\":[{\"label_value\":\"a\",\"series_count\":1},"
                        + "{\"label_value\":\"b\",\"series_count\":1},{\"label_value\":\"c\",\"series_count\":1}]},"
                        + "{\"label_name\":\"job\",\"label_values_count\":2,\"series_count\":3,\"cardinality\":[{\"label_value\":\"api\",\"series_count\":2},"
                        + "{\"label_value\":\"db\",\"series_count\":1}]}]}");
        assertThat(ok(fixture.get("/api/v1/cardinality/label_values", "team-a", "label_names[]", "job", "selector", "up{instance!=\"a\"}", "limit", "1")))
                .isEqualTo("{\"series_count_total\":2,\"labels\":[{\"label_name\":\"job\",\"label_values_count\":2,\"series_count\":2,"
                        + "\"cardinality\":[{\"label_value\":\"api\",\"series_count\":1}]}]}");
    }

    @Test
    void activeSeriesListsTheSelectedSeries() {
        assertThat(ok(fixture.get("/api/v1/cardinality/active_series", "team-a", "selector", "{job=\"api\"}"))).isEqualTo(
                "{\"data\":[{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"api\"}]}");
    }

    @Test
    void disabledTenantsAndBadParametersArePlainText400s() {
        assertBadRequest(fixture.get("/api/v1/cardinality/label_names", "team-b"), "cardinality analysis is disabled for the tenant: team-b");
        assertBadRequest(fixture.get("/api/v1/cardinality/label_names", "team-a", "limit", "501"), "'limit' param cannot be greater than '500'");
        assertBadRequest(fixture.get("/api/v1/cardinality/label_names", "team-a", "limit", "-1"), "'limit' param cannot be less than '0'");
        assertBadRequest(fixture.get("/api/v1/cardinality/label_names", "team-a", "count_method", "all"),
                "invalid 'count_method' param 'all'. valid options are: [active,inmemory]");
        assertBadRequest(fixture.get("/api/v1/cardinality/label_values", "team-a"), "'label_names[]' param is required");
        assertBadRequest(fixture.get("/api/v1/cardinality/label_values", "team-a", "label_names[]", "1x"), "invalid 'label_names' param '1x'");
        assertBadRequest(fixture.get("/api/v1/cardinality/active_series", "team-a"), "missing 'selector' parameter");
        assertBadRequest(fixture.get("/api/v1/cardinality/active_series", "team-a", "selector", "up{"),
                "failed to parse selector: 1:4: parse error: unexpected end of input inside braces");
    }

    private static void assertBadRequest(HttpResponse response, String message) {
        assertThat(body(response)).isEqualTo(message + "\n");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("text/plain");
    }
}
