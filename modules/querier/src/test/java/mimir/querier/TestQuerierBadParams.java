package mimir.querier;

import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.errorJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad parameters: every one a 400 {@code bad_data} with Prometheus's message, never a 500. */
class TestQuerierBadParams {
    private static final QuerierFixture FIXTURE = QuerierFixture.started().series("team-a", Labels.of("__name__", "up"), 1, 0);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("/api/v1/query", new String[] {"query", "up", "time", "abc"},
                        "invalid parameter \"time\": cannot parse \"abc\" to a valid timestamp"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "time", "2026-13-01T00:00:00Z"},
                        "invalid parameter \"time\": cannot parse \"2026-13-01T00:00:00Z\" to a valid timestamp"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "timeout", "abc"},
                        "invalid parameter \"timeout\": cannot parse \"abc\" to a valid duration"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "lookback_delta", "1x"},
                        "invalid parameter \"lookback_delta\": cannot parse \"1x\" to a valid duration"),
                Arguments.of("/api/v1/query", new String[] {"query", "sum(up"},
                        "invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis"),
                Arguments.of("/api/v1/query", new String[] {"query", "rate(up)"},
                        "invalid parameter \"query\": 1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "limit", "abc"},
                        "invalid parameter \"limit\": strconv.Atoi: parsing \"abc\": invalid syntax"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "end", "10", "step", "1"},
                        "invalid parameter \"start\": cannot parse \"\" to a valid timestamp"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "10", "end", "xyz", "step", "1"},
                        "invalid parameter \"end\": cannot parse \"xyz\" to a valid timestamp"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "10", "end", "5", "step", "1"},
                        "invalid parameter \"end\": end timestamp must not be before start time"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "0", "end", "10", "step", "abc"},
                        "invalid parameter \"step\": cannot parse \"abc\" to a valid duration"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "0", "end", "10", "step", "0"},
                        "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "0", "end", "10", "step", "-1.5"},
                        "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "0", "end", "11001", "step", "1"},
                        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "-292273086-05-16T16:47:06Z", "end",
                        "292277025-08-18T07:12:54.999999999Z", "step", "1y"},
                        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "up", "start", "0", "end", "10", "step", "1e30"},
                        "invalid parameter \"step\": cannot parse \"1e30\" to a valid duration. It overflows int64"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "time", "1e30"},
                        "invalid parameter \"time\": cannot parse \"1e30\" to a valid timestamp"),
                Arguments.of("/api/v1/query", new String[] {"query", "up", "time", "NaN"},
                        "invalid parameter \"time\": cannot parse \"NaN\" to a valid timestamp"),
                Arguments.of("/api/v1/query_range", new String[] {"query", "\"text\"", "start", "0", "end", "10", "step", "1"},
                        "invalid parameter \"query\": invalid expression type \"string\" for range query, must be Scalar or instant Vector"),
                Arguments.of("/api/v1/series", new String[] {}, "no match[] parameter provided"),
                Arguments.of("/api/v1/series", new String[] {"match[]", "{job=~\".*\"}"},
                        "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher"),
                Arguments.of("/api/v1/series", new String[] {"match[]", "up{", "start", "0"},
                        "invalid parameter \"match[]\": 1:4: parse error: unexpected end of input inside braces"),
                Arguments.of("/api/v1/series", new String[] {"match[]", "up", "start", "yesterday"},
                        "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp"),
                Arguments.of("/api/v1/labels", new String[] {"limit", "-1"}, "invalid parameter \"limit\": limit must be non-negative"),
                Arguments.of("/api/v1/labels", new String[] {"end", "1e400x"}, "invalid parameter \"end\": cannot parse \"1e400x\" to a valid timestamp"),
                Arguments.of("/api/v1/label/1bad/values", new String[] {}, "invalid label name: \"1bad\""),
                Arguments.of("/api/v1/label/job/values", new String[] {"match[]", "rate(up[5m])"},
                        "invalid parameter \"match[]\": 1:1: parse error: unexpected expression, expected a series selector: rate(up[5m])"),
                Arguments.of("/api/v1/metadata", new String[] {"limit", "x"}, "limit must be a number"),
                Arguments.of("/api/v1/metadata", new String[] {"limit_per_metric", "1.5"}, "limit_per_metric must be a number"),
                Arguments.of("/api/v1/query_exemplars", new String[] {"query", "up", "start", "10", "end", "5"},
                        "end timestamp must not be before start timestamp"),
                Arguments.of("/api/v1/query_exemplars", new String[] {"query", "up{", "start", "1"},
                        "1:4: parse error: unexpected end of input inside braces"),
                Arguments.of("/api/v1/format_query", new String[] {"query", "sum(up"},
                        "invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis"));
    }

    @Test
    void anUndecodableFormBodyIsA400() {
        HttpResponse response = FIXTURE.postForm("/api/v1/query", "team-a", "query=%zz");
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"error parsing form values: ");
    }

    /** Garbage in every parameter of every endpoint: 2xx or 4xx, never a 5xx. */
    @Test
    void garbageNeverCausesAServerError() {
        String[] paths = {"/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/label/job/values",
                "/api/v1/metadata", "/api/v1/query_exemplars", "/api/v1/format_query"};
        String[] names = {"query", "time", "start", "end", "step", "timeout", "limit", "match[]", "lookback_delta", "limit_per_metric", "metric", "x"};
        String[] garbage = {"", "-", "1e309", "-1e309", "9223372036854775807", "\u0000", "{", "}", "up[", "%", "0x10", "1.2.3", "\"", "@", "1h-1m"};
        for (String path : paths) {
            for (String name : names) {
                for (String value : garbage) {
                    HttpResponse response = FIXTURE.get(path, "team-a", name, value, "query", "up", "match[]", "up");
                    assertThat(response.status()).as(path + " " + name + "=" + value + ": " + body(response)).isLessThan(500);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void badParameterIsA400WithPrometheusMessage(String path, String[] params, String message) {
        HttpResponse response = FIXTURE.get(path, "team-a", params);
        assertThat(body(response)).isEqualTo(errorJson("bad_data", message));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo("application/json");
    }
}
